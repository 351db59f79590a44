/**
 * Glue jobs and job runs as plain records, and the lazy state machine of a run:
 * STARTING → RUNNING → SUCCEEDED | FAILED | TIMEOUT, and STARTING | RUNNING →
 * STOPPING → STOPPED. The timeout (minutes) counts from StartedOn, as in Glue.
 */
import type { Durations } from '../clock';
import { epochSeconds } from '../protocol';
import type { ExecutionClass, WorkerType } from './schemas';

export type JobRunState = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED' | 'TIMEOUT';

export interface GlueJob {
  name: string;
  description: string | undefined;
  role: string;
  command: Record<string, unknown>;
  defaultArguments: Record<string, string>;
  maxConcurrentRuns: number;
  maxRetries: number;
  timeoutMinutes: number;
  workerType: WorkerType | undefined;
  numberOfWorkers: number | undefined;
  maxCapacity: number | undefined;
  glueVersion: string;
  executionClass: ExecutionClass;
  createdOn: number;
}

/** What a run will do once it is running, fixed when it is started. */
export interface RunPlan {
  outcome: 'SUCCEEDED' | 'FAILED' | 'TIMEOUT';
  errorMessage: string | undefined;
  /** Overrides `jobRunMs` for this run. */
  durationMs: number | undefined;
}

export interface JobRun {
  id: string;
  jobName: string;
  state: JobRunState;
  arguments: Record<string, string>;
  workerType: WorkerType | undefined;
  numberOfWorkers: number | undefined;
  maxCapacity: number;
  timeoutMinutes: number;
  glueVersion: string;
  executionClass: ExecutionClass;
  /** `--enable-auto-scaling=true` in the job's or the run's arguments. */
  autoScaling: boolean;
  startedOn: number;
  runningAt: number | undefined;
  stopRequestedAt: number | undefined;
  lastModifiedOn: number;
  completedOn: number | undefined;
  errorMessage: string | undefined;
  plan: RunPlan;
}

export const activeRunStates: ReadonlySet<JobRunState> = new Set(['STARTING', 'RUNNING', 'STOPPING']);

const dpuPerWorker: Record<WorkerType, number> = {
  Standard: 1,
  'G.025X': 0.25,
  'G.1X': 1,
  'G.2X': 2,
  'G.4X': 4,
  'G.8X': 8,
  'G.12X': 12,
  'G.16X': 16,
  'Z.2X': 2,
  'R.1X': 1,
  'R.2X': 2,
  'R.4X': 4,
  'R.8X': 8,
};

/** DPUs a run holds: workers × DPU per worker, else MaxCapacity, else Glue's default of 10. */
export function capacityOf(
  workerType: WorkerType | undefined,
  numberOfWorkers: number | undefined,
  maxCapacity: number | undefined,
): number {
  if (workerType !== undefined && numberOfWorkers !== undefined) return dpuPerWorker[workerType] * numberOfWorkers;
  return maxCapacity ?? 10;
}

export function advanceRun(run: JobRun, now: number, durations: Durations): void {
  for (;;) {
    const next = nextTransition(run, durations);
    if (next === undefined || next.at > now) return;
    next.apply();
  }
}

function nextTransition(run: JobRun, durations: Durations): { at: number; apply: () => void } | undefined {
  const timeoutAt = run.startedOn + run.timeoutMinutes * 60_000;
  const timeout = {
    at: timeoutAt,
    apply: () => finish(run, 'TIMEOUT', timeoutAt, timeoutMessage(run)),
  };
  switch (run.state) {
    case 'STARTING': {
      const at = run.startedOn + durations.jobStartMs;
      if (timeoutAt < at) return timeout;
      return {
        at,
        apply: () => {
          run.state = 'RUNNING';
          run.runningAt = at;
          run.lastModifiedOn = at;
        },
      };
    }
    case 'RUNNING': {
      const at = (run.runningAt ?? run.startedOn) + (run.plan.durationMs ?? durations.jobRunMs);
      if (timeoutAt < at) return timeout;
      const { outcome, errorMessage } = run.plan;
      return {
        at,
        apply: () =>
          finish(run, outcome, at, outcome === 'TIMEOUT' ? (errorMessage ?? timeoutMessage(run)) : errorMessage),
      };
    }
    case 'STOPPING': {
      const at = (run.stopRequestedAt ?? run.startedOn) + durations.jobStopMs;
      return { at, apply: () => finish(run, 'STOPPED', at, undefined) };
    }
    case 'STOPPED':
    case 'SUCCEEDED':
    case 'FAILED':
    case 'TIMEOUT':
      return undefined;
  }
}

function timeoutMessage(run: JobRun): string {
  return `Job run exceeded the timeout of ${run.timeoutMinutes} minutes.`;
}

function finish(run: JobRun, state: JobRunState, at: number, errorMessage: string | undefined): void {
  run.state = state;
  run.completedOn = at;
  run.lastModifiedOn = at;
  run.errorMessage = errorMessage;
}

/** STARTING or RUNNING → STOPPING; false if the run is past that. */
export function requestStop(run: JobRun, at: number): boolean {
  if (run.state !== 'STARTING' && run.state !== 'RUNNING') return false;
  run.state = 'STOPPING';
  run.stopRequestedAt = at;
  run.lastModifiedOn = at;
  return true;
}

/** Whole seconds the run spent running (rounded up, so a finished run shows at least 1). */
export function executionSeconds(run: JobRun): number {
  if (run.completedOn === undefined || run.runningAt === undefined) return 0;
  return Math.ceil((run.completedOn - run.runningAt) / 1000);
}

export function jobRunView(run: JobRun) {
  const executionTime = executionSeconds(run);
  return {
    Id: run.id,
    Attempt: 0,
    JobName: run.jobName,
    JobMode: 'SCRIPT',
    StartedOn: epochSeconds(run.startedOn),
    LastModifiedOn: epochSeconds(run.lastModifiedOn),
    CompletedOn: epochSeconds(run.completedOn),
    JobRunState: run.state,
    Arguments: run.arguments,
    ErrorMessage: run.errorMessage,
    PredecessorRuns: [],
    AllocatedCapacity: Math.floor(run.maxCapacity),
    ExecutionTime: executionTime,
    Timeout: run.timeoutMinutes,
    MaxCapacity: run.maxCapacity,
    WorkerType: run.workerType,
    NumberOfWorkers: run.numberOfWorkers,
    LogGroupName: '/aws-glue/jobs',
    GlueVersion: run.glueVersion,
    // As Glue: DPUSeconds only for Flex and auto-scaling runs; a standard
    // run's cost is ExecutionTime × the DPUs its workers hold.
    DPUSeconds:
      run.completedOn === undefined || (run.executionClass !== 'FLEX' && !run.autoScaling)
        ? undefined
        : executionTime * run.maxCapacity,
    ExecutionClass: run.executionClass,
  };
}

export function jobView(job: GlueJob) {
  return {
    Name: job.name,
    JobMode: 'SCRIPT',
    Description: job.description,
    Role: job.role,
    CreatedOn: epochSeconds(job.createdOn),
    LastModifiedOn: epochSeconds(job.createdOn),
    ExecutionProperty: { MaxConcurrentRuns: job.maxConcurrentRuns },
    Command: job.command,
    DefaultArguments: job.defaultArguments,
    MaxRetries: job.maxRetries,
    AllocatedCapacity: Math.floor(capacityOf(job.workerType, job.numberOfWorkers, job.maxCapacity)),
    Timeout: job.timeoutMinutes,
    MaxCapacity: capacityOf(job.workerType, job.numberOfWorkers, job.maxCapacity),
    WorkerType: job.workerType,
    NumberOfWorkers: job.numberOfWorkers,
    GlueVersion: job.glueVersion,
    ExecutionClass: job.executionClass,
  };
}
