/** The Glue job operations: CreateJob, GetJob, StartJobRun, GetJobRun(s), BatchStopJobRun. */
import type { Durations } from '../clock';
import { jobRunId } from '../ids';
import { type CallContext, type Handler, paginate, parseInput, ServiceError } from '../protocol';
import type { RuleBook, RuleMatch } from '../rules';
import {
  activeRunStates,
  advanceRun,
  capacityOf,
  type GlueJob,
  type JobRun,
  jobRunView,
  jobView,
  requestStop,
  type RunPlan,
} from './job-runs';
import {
  BatchStopJobRunInput,
  CreateJobInput,
  GetJobRunInput,
  GetJobRunsInput,
  JobNameInput,
  StartJobRunInput,
} from './schemas';

/**
 * Scripts how matching job runs end. `name` is matched against the job name,
 * `args` against the run's arguments (job defaults overlaid with the run's
 * own) as `key=value` pairs joined by spaces, e.g. `--day=2024-01-01 --mode=full`.
 */
export interface JobRunRule extends RuleMatch {
  /** Default `FAILED`. */
  outcome?: 'FAILED' | 'TIMEOUT' | 'SUCCEEDED' | undefined;
  errorMessage?: string | undefined;
  /** How long the run stays RUNNING instead of `jobRunMs`. */
  durationMs?: number | undefined;
}

/** Glue's default job timeout: 48 hours. */
const DEFAULT_TIMEOUT_MINUTES = 2880;
const DEFAULT_PAGE_SIZE = 100;

export class JobService {
  private readonly jobs = new Map<string, GlueJob>();
  /** Oldest first. */
  private readonly runs: JobRun[] = [];

  constructor(
    private readonly durations: () => Durations,
    private readonly rules: RuleBook<JobRunRule>,
  ) {}

  advance(now: number): void {
    for (const run of this.runs) advanceRun(run, now, this.durations());
  }

  listJobs(): GlueJob[] {
    return [...this.jobs.values()];
  }

  listRuns(): JobRun[] {
    return [...this.runs];
  }

  reset(): void {
    this.jobs.clear();
    this.runs.length = 0;
  }

  /** CreateJob, also used by the control API to seed jobs. */
  createJob(input: CreateJobInput, now: number): GlueJob {
    if (this.jobs.has(input.Name))
      throw new ServiceError('AlreadyExistsException', `Job ${input.Name} already exists.`);
    if ((input.WorkerType === undefined) !== (input.NumberOfWorkers === undefined)) {
      throw new ServiceError('InvalidInputException', 'Please set both Worker Type and Number of Workers.');
    }
    const job: GlueJob = {
      name: input.Name,
      description: input.Description,
      role: input.Role,
      command: input.Command,
      defaultArguments: input.DefaultArguments ?? {},
      maxConcurrentRuns: input.ExecutionProperty?.MaxConcurrentRuns ?? 1,
      maxRetries: input.MaxRetries ?? 0,
      timeoutMinutes: input.Timeout ?? DEFAULT_TIMEOUT_MINUTES,
      workerType: input.WorkerType,
      numberOfWorkers: input.NumberOfWorkers,
      maxCapacity: input.MaxCapacity,
      glueVersion: input.GlueVersion ?? '4.0',
      executionClass: input.ExecutionClass ?? 'STANDARD',
      createdOn: now,
    };
    this.jobs.set(job.name, job);
    return job;
  }

  readonly handlers: Record<string, Handler> = {
    CreateJob: (raw, ctx) => ({ Name: this.createJob(parseInput(CreateJobInput, raw), ctx.now).name }),

    GetJob: (raw) => ({ Job: jobView(this.job(parseInput(JobNameInput, raw).JobName)) }),

    StartJobRun: (raw, ctx) => {
      const input = parseInput(StartJobRunInput, raw);
      const job = this.job(input.JobName);
      const active = this.runs.filter((run) => run.jobName === job.name && activeRunStates.has(run.state)).length;
      if (active >= job.maxConcurrentRuns) {
        throw new ServiceError('ConcurrentRunsExceededException', `Concurrent runs exceeded for ${job.name}`);
      }
      if (input.WorkerType !== undefined && input.NumberOfWorkers === undefined) {
        throw new ServiceError('InvalidInputException', 'Please set both Worker Type and Number of Workers.');
      }
      const run = this.newRun(job, input, ctx);
      this.runs.push(run);
      return { JobRunId: run.id };
    },

    GetJobRun: (raw) => {
      const input = parseInput(GetJobRunInput, raw);
      this.job(input.JobName);
      const run = this.runs.find((candidate) => candidate.id === input.RunId && candidate.jobName === input.JobName);
      if (run === undefined) throw new ServiceError('EntityNotFoundException', `Job run ${input.RunId} not found`);
      return { JobRun: jobRunView(run) };
    },

    GetJobRuns: (raw) => {
      const input = parseInput(GetJobRunsInput, raw);
      const job = this.job(input.JobName);
      const newestFirst = this.runs.filter((run) => run.jobName === job.name).reverse();
      const { page, next } = paginate(
        newestFirst,
        input.NextToken,
        input.MaxResults ?? DEFAULT_PAGE_SIZE,
        'InvalidInputException',
      );
      return { JobRuns: page.map(jobRunView), NextToken: next };
    },

    BatchStopJobRun: (raw, ctx) => {
      const input = parseInput(BatchStopJobRunInput, raw);
      const SuccessfulSubmissions: Array<{ JobName: string; JobRunId: string }> = [];
      const Errors: Array<{
        JobName: string;
        JobRunId: string;
        ErrorDetail: { ErrorCode: string; ErrorMessage: string };
      }> = [];
      for (const id of input.JobRunIds) {
        const run = this.runs.find((candidate) => candidate.id === id && candidate.jobName === input.JobName);
        if (run === undefined) {
          Errors.push({
            JobName: input.JobName,
            JobRunId: id,
            ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: `Job run ${id} not found` },
          });
        } else if (requestStop(run, ctx.now)) {
          SuccessfulSubmissions.push({ JobName: input.JobName, JobRunId: id });
        } else {
          Errors.push({
            JobName: input.JobName,
            JobRunId: id,
            ErrorDetail: {
              ErrorCode: 'InvalidInputException',
              ErrorMessage: `Job run ${id} is ${run.state} and cannot be stopped.`,
            },
          });
        }
      }
      return { SuccessfulSubmissions, Errors };
    },
  };

  private job(name: string): GlueJob {
    const job = this.jobs.get(name);
    if (job === undefined) throw new ServiceError('EntityNotFoundException', `Job ${name} not found`);
    return job;
  }

  private newRun(job: GlueJob, input: StartJobRunInput, ctx: CallContext): JobRun {
    const workerType = input.WorkerType ?? job.workerType;
    const numberOfWorkers = input.NumberOfWorkers ?? job.numberOfWorkers;
    const runArguments = input.Arguments ?? {};
    const effective = { ...job.defaultArguments, ...runArguments };
    const argsText = Object.entries(effective)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    return {
      id: jobRunId(),
      jobName: job.name,
      state: 'STARTING',
      arguments: runArguments,
      workerType,
      numberOfWorkers,
      maxCapacity: capacityOf(workerType, numberOfWorkers, input.MaxCapacity ?? job.maxCapacity),
      timeoutMinutes: input.Timeout ?? job.timeoutMinutes,
      glueVersion: job.glueVersion,
      executionClass: input.ExecutionClass ?? job.executionClass,
      autoScaling: effective['--enable-auto-scaling'] === 'true',
      startedOn: ctx.now,
      runningAt: undefined,
      stopRequestedAt: undefined,
      lastModifiedOn: ctx.now,
      completedOn: undefined,
      errorMessage: undefined,
      plan: this.plan(job.name, argsText),
    };
  }

  private plan(jobName: string, args: string): RunPlan {
    const rule = this.rules.take(jobName, args);
    if (rule === undefined) return { outcome: 'SUCCEEDED', errorMessage: undefined, durationMs: undefined };
    const outcome = rule.outcome ?? 'FAILED';
    const defaultMessage = outcome === 'FAILED' ? 'An error occurred while running the job script.' : undefined;
    return {
      outcome,
      errorMessage: outcome === 'SUCCEEDED' ? undefined : (rule.errorMessage ?? defaultMessage),
      durationMs: rule.durationMs,
    };
  }
}
