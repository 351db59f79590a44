/**
 * The emulator without its HTTP server: the services' state, the clock, the
 * scripted outcomes and armed faults, and `dispatch(target, input)` which is
 * what one JSON 1.1 request does.
 */
import { defaultDurations, type Durations, type Now } from './clock';
import { DurationsPatch } from './control-schemas';
import { EmrService, type StepRule } from './emr/service';
import { FaultInjector, type Service } from './faults';
import { CatalogService } from './glue/catalog';
import { type CrawlRule, CrawlerService } from './glue/crawlers';
import { type JobRunRule, JobService } from './glue/jobs';
import { type Handler, ServiceError } from './protocol';
import { RuleBook } from './rules';

/** One API call the emulator answered, for tests to assert on. */
export interface ApiCall {
  /** Emulator clock, in ms. */
  at: number;
  service: Service;
  /** e.g. `AddJobFlowSteps`. */
  operation: string;
  input: unknown;
  status: number;
  /** The AWS error code when the call failed. */
  errorCode: string | undefined;
}

export interface EmulatorOptions {
  durations?: Partial<Durations> | undefined;
  now?: Now | undefined;
}

const servicePrefixes: Record<string, Service> = {
  ElasticMapReduce: 'emr',
  AWSGlue: 'glue',
};

export class Emulator {
  readonly now: Now;
  durations: Durations;
  readonly faults: FaultInjector;
  readonly stepRules = new RuleBook<StepRule>();
  readonly jobRunRules = new RuleBook<JobRunRule>();
  readonly crawlRules = new RuleBook<CrawlRule>();
  readonly emr: EmrService;
  readonly jobs: JobService;
  readonly crawlers: CrawlerService;
  readonly catalog = new CatalogService();
  readonly calls: ApiCall[] = [];
  private readonly initialDurations: Durations;
  private readonly handlers: Record<Service, Record<string, Handler>>;

  constructor(options: EmulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.faults = new FaultInjector(this.now);
    this.initialDurations = { ...defaultDurations, ...DurationsPatch.parse(options.durations ?? {}) };
    this.durations = { ...this.initialDurations };
    const durations = (): Durations => this.durations;
    this.emr = new EmrService(durations, this.stepRules);
    this.jobs = new JobService(durations, this.jobRunRules);
    this.crawlers = new CrawlerService(durations, this.crawlRules);
    this.handlers = {
      emr: this.emr.handlers,
      glue: { ...this.jobs.handlers, ...this.crawlers.handlers, ...this.catalog.handlers },
    };
  }

  /** Bring every cluster, step, job run and crawl up to the clock's present. */
  advance(): number {
    const now = this.now();
    this.emr.advance(now);
    this.jobs.advance(now);
    this.crawlers.advance(now);
    return now;
  }

  /**
   * Answer one call. Returns the response body or throws the ServiceError to
   * send; either way the call is recorded.
   */
  dispatch(target: string, input: unknown, region: string): unknown {
    const [prefix = '', operation = ''] = target.split('.');
    const service = servicePrefixes[prefix];
    if (service === undefined || operation === '') {
      throw new ServiceError('UnknownOperationException', `Unknown target: ${target}`);
    }
    const call: ApiCall = { at: this.now(), service, operation, input, status: 200, errorCode: undefined };
    this.calls.push(call);
    try {
      const fault = this.faults.take(service, target, operation);
      if (fault !== undefined) throw fault;
      const handler = this.handlers[service][operation];
      if (handler === undefined) {
        throw new ServiceError('UnknownOperationException', `The emulator does not implement ${target}`);
      }
      const now = this.advance();
      return handler(input, { now, region });
    } catch (raw) {
      const error =
        raw instanceof ServiceError
          ? raw
          : new ServiceError(
              service === 'emr' ? 'InternalServerError' : 'InternalServiceException',
              raw instanceof Error ? raw.message : String(raw),
              500,
            );
      call.status = error.status;
      call.errorCode = error.code;
      throw error;
    }
  }

  setDurations(patch: DurationsPatch): Durations {
    // Apply what was due under the old durations before the new ones take effect.
    this.advance();
    this.durations = { ...this.durations, ...DurationsPatch.parse(patch) };
    return { ...this.durations };
  }

  reset(): void {
    this.emr.reset();
    this.jobs.reset();
    this.crawlers.reset();
    this.catalog.reset();
    this.faults.clear();
    this.stepRules.clear();
    this.jobRunRules.clear();
    this.crawlRules.clear();
    this.calls.length = 0;
    this.durations = { ...this.initialDurations };
  }
}
