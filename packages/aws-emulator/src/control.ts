/**
 * The control API tests use to script the emulator: inject faults, script
 * outcomes, change durations, seed Glue jobs and crawlers, list everything,
 * reset. The HTTP routes under `/_emulator/` call the same object.
 */
import type { Durations } from './clock';
import { type DurationsPatch, SeedCrawler, SeedJob } from './control-schemas';
import type { EmrCluster } from './emr/model';
import type { StepRule } from './emr/service';
import type { ApiCall, Emulator } from './emulator';
import type { ActiveFault, FaultSpec } from './faults';
import type { Crawler, CrawlRule } from './glue/crawlers';
import type { GlueJob, JobRun } from './glue/job-runs';
import type { JobRunRule } from './glue/jobs';
import type { ListedMatch } from './rules';

/** Everything the emulator holds, as plain data (timestamps in ms of the emulator clock). */
export interface EmulatorState {
  now: number;
  durations: Durations;
  emr: { clusters: EmrCluster[] };
  glue: { jobs: GlueJob[]; jobRuns: JobRun[]; crawlers: Crawler[] };
  faults: ActiveFault[];
  rules: {
    steps: Array<Omit<StepRule, 'name' | 'args'> & ListedMatch>;
    jobRuns: Array<Omit<JobRunRule, 'name' | 'args'> & ListedMatch>;
    crawls: Array<Omit<CrawlRule, 'name' | 'args'> & ListedMatch>;
  };
}

export interface EmulatorControl {
  /** Fail the next `count` calls of an operation (throttle, 500, or any error code). */
  injectFault(fault: FaultSpec): void;
  /** Script how matching EMR steps end (default: FAILED with FailureDetails). */
  addStepRule(rule: StepRule): void;
  /** Script how matching Glue job runs end (default: FAILED with ErrorMessage). */
  addJobRunRule(rule: JobRunRule): void;
  /** Script how matching crawls end (default: LastCrawl FAILED with ErrorMessage). */
  addCrawlRule(rule: CrawlRule): void;
  /** Change some durations; work already in progress continues under the new ones. */
  setDurations(patch: DurationsPatch): Durations;
  /** Create a Glue job without going through the SDK. */
  createJob(job: SeedJob): void;
  /** Create a Glue crawler without going through the SDK. */
  createCrawler(crawler: SeedCrawler): void;
  /** Every cluster, step, job, run, crawler, fault and rule, advanced to now. */
  state(): EmulatorState;
  /** The API calls answered so far, oldest first; optionally only one operation's. */
  calls(operation?: string): ApiCall[];
  /** Forget everything: resources, faults, rules, calls; durations back to the start options. */
  reset(): void;
}

export function createControl(emulator: Emulator): EmulatorControl {
  return {
    injectFault: (fault) => emulator.faults.add(fault),
    addStepRule: (rule) => emulator.stepRules.add(rule),
    addJobRunRule: (rule) => emulator.jobRunRules.add(rule),
    addCrawlRule: (rule) => emulator.crawlRules.add(rule),
    setDurations: (patch) => emulator.setDurations(patch),
    createJob: (job) => {
      emulator.jobs.createJob(SeedJob.parse(job), emulator.now());
    },
    createCrawler: (crawler) => {
      emulator.crawlers.createCrawler(SeedCrawler.parse(crawler), emulator.now());
    },
    state: () => {
      const now = emulator.advance();
      return structuredClone({
        now,
        durations: emulator.durations,
        emr: { clusters: emulator.emr.list() },
        glue: {
          jobs: emulator.jobs.listJobs(),
          jobRuns: emulator.jobs.listRuns(),
          crawlers: emulator.crawlers.list(),
        },
        faults: emulator.faults.list(),
        rules: {
          steps: emulator.stepRules.list(),
          jobRuns: emulator.jobRunRules.list(),
          crawls: emulator.crawlRules.list(),
        },
      });
    },
    calls: (operation) =>
      structuredClone(emulator.calls.filter((call) => operation === undefined || call.operation === operation)),
    reset: () => emulator.reset(),
  };
}
