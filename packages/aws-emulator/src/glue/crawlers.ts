/**
 * Glue crawlers: READY → RUNNING → STOPPING → READY, with the outcome in
 * LastCrawl (SUCCEEDED | FAILED, or CANCELLED after StopCrawler). Crawlers
 * exist only once created, by CreateCrawler or the control API's
 * `createCrawler` — StartCrawler on an unknown name is EntityNotFoundException,
 * as in AWS.
 */
import type { Durations } from '../clock';
import { epochSeconds, type Handler, paginate, parseInput, ServiceError } from '../protocol';
import type { RuleBook, RuleMatch } from '../rules';
import { CrawlerNameInput, CreateCrawlerInput, GetCrawlerMetricsInput } from './schemas';

/** Scripts how matching crawls end; `name` is matched against the crawler name. */
export interface CrawlRule extends RuleMatch {
  /** Default `FAILED`. */
  outcome?: 'FAILED' | 'SUCCEEDED' | undefined;
  errorMessage?: string | undefined;
  /** How long the crawl stays RUNNING instead of `crawlMs`. */
  durationMs?: number | undefined;
}

export type CrawlerState = 'READY' | 'RUNNING' | 'STOPPING';
export type LastCrawlStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

interface Crawl {
  startedAt: number;
  stoppingAt: number | undefined;
  cancelled: boolean;
  outcome: 'SUCCEEDED' | 'FAILED';
  errorMessage: string | undefined;
  durationMs: number | undefined;
}

export interface Crawler {
  name: string;
  role: string;
  databaseName: string | undefined;
  description: string | undefined;
  targets: Record<string, unknown>;
  tablePrefix: string | undefined;
  state: CrawlerState;
  createdAt: number;
  lastUpdated: number;
  current: Crawl | undefined;
  lastCrawl: { status: LastCrawlStatus; errorMessage: string | undefined; startedAt: number } | undefined;
  runtimesMs: number[];
}

export class CrawlerService {
  private readonly crawlers = new Map<string, Crawler>();

  constructor(
    private readonly durations: () => Durations,
    private readonly rules: RuleBook<CrawlRule>,
  ) {}

  advance(now: number): void {
    for (const crawler of this.crawlers.values()) advanceCrawler(crawler, now, this.durations());
  }

  list(): Crawler[] {
    return [...this.crawlers.values()];
  }

  reset(): void {
    this.crawlers.clear();
  }

  /** CreateCrawler, also used by the control API to seed crawlers. */
  createCrawler(input: CreateCrawlerInput, now: number): Crawler {
    if (this.crawlers.has(input.Name)) {
      throw new ServiceError('AlreadyExistsException', `Crawler with name ${input.Name} already exists`);
    }
    const crawler: Crawler = {
      name: input.Name,
      role: input.Role,
      databaseName: input.DatabaseName,
      description: input.Description,
      targets: input.Targets,
      tablePrefix: input.TablePrefix,
      state: 'READY',
      createdAt: now,
      lastUpdated: now,
      current: undefined,
      lastCrawl: undefined,
      runtimesMs: [],
    };
    this.crawlers.set(crawler.name, crawler);
    return crawler;
  }

  readonly handlers: Record<string, Handler> = {
    CreateCrawler: (raw, ctx) => {
      this.createCrawler(parseInput(CreateCrawlerInput, raw), ctx.now);
      return {};
    },

    GetCrawler: (raw, ctx) => ({ Crawler: crawlerView(this.crawler(parseInput(CrawlerNameInput, raw).Name), ctx.now) }),

    StartCrawler: (raw, ctx) => {
      const crawler = this.crawler(parseInput(CrawlerNameInput, raw).Name);
      if (crawler.state !== 'READY') {
        throw new ServiceError('CrawlerRunningException', `Crawler with name ${crawler.name} has already started`);
      }
      const rule = this.rules.take(crawler.name, '');
      const outcome = rule === undefined ? 'SUCCEEDED' : (rule.outcome ?? 'FAILED');
      crawler.state = 'RUNNING';
      crawler.current = {
        startedAt: ctx.now,
        stoppingAt: undefined,
        cancelled: false,
        outcome,
        errorMessage: outcome === 'FAILED' ? (rule?.errorMessage ?? 'Internal Service Exception') : undefined,
        durationMs: rule?.durationMs,
      };
      return {};
    },

    StopCrawler: (raw, ctx) => {
      const crawler = this.crawler(parseInput(CrawlerNameInput, raw).Name);
      if (crawler.state === 'READY' || crawler.current === undefined) {
        throw new ServiceError('CrawlerNotRunningException', `Crawler with name ${crawler.name} is not running`);
      }
      if (crawler.state === 'STOPPING') {
        throw new ServiceError('CrawlerStoppingException', `Crawler with name ${crawler.name} is stopping`);
      }
      crawler.state = 'STOPPING';
      crawler.current.stoppingAt = ctx.now;
      crawler.current.cancelled = true;
      return {};
    },

    GetCrawlerMetrics: (raw, ctx) => {
      const input = parseInput(GetCrawlerMetricsInput, raw);
      const names = input.CrawlerNameList;
      const selected =
        names === undefined
          ? [...this.crawlers.values()]
          : names.flatMap((name) => {
              const crawler = this.crawlers.get(name);
              return crawler === undefined ? [] : [crawler];
            });
      const { page, next } = paginate(selected, input.NextToken, input.MaxResults ?? 100, 'InvalidInputException');
      return {
        CrawlerMetricsList: page.map((crawler) => metricsView(crawler, ctx.now, this.durations())),
        NextToken: next,
      };
    },
  };

  private crawler(name: string): Crawler {
    const crawler = this.crawlers.get(name);
    if (crawler === undefined)
      throw new ServiceError('EntityNotFoundException', `Crawler entry with name ${name} does not exist`);
    return crawler;
  }
}

function advanceCrawler(crawler: Crawler, now: number, durations: Durations): void {
  for (;;) {
    const crawl = crawler.current;
    if (crawl === undefined) return;
    if (crawler.state === 'RUNNING') {
      const at = crawl.startedAt + (crawl.durationMs ?? durations.crawlMs);
      if (at > now) return;
      crawler.state = 'STOPPING';
      crawl.stoppingAt = at;
      continue;
    }
    const at = (crawl.stoppingAt ?? crawl.startedAt) + durations.crawlStopMs;
    if (at > now) return;
    crawler.state = 'READY';
    crawler.current = undefined;
    crawler.lastUpdated = at;
    crawler.runtimesMs.push(at - crawl.startedAt);
    crawler.lastCrawl = crawl.cancelled
      ? { status: 'CANCELLED', errorMessage: undefined, startedAt: crawl.startedAt }
      : { status: crawl.outcome, errorMessage: crawl.errorMessage, startedAt: crawl.startedAt };
  }
}

function crawlerView(crawler: Crawler, now: number) {
  const last = crawler.lastCrawl;
  return {
    Name: crawler.name,
    Role: crawler.role,
    Targets: crawler.targets,
    DatabaseName: crawler.databaseName,
    Description: crawler.description,
    Classifiers: [],
    State: crawler.state,
    TablePrefix: crawler.tablePrefix,
    CrawlElapsedTime: crawler.current === undefined ? 0 : now - crawler.current.startedAt,
    CreationTime: epochSeconds(crawler.createdAt),
    LastUpdated: epochSeconds(crawler.lastUpdated),
    LastCrawl:
      last === undefined
        ? undefined
        : {
            Status: last.status,
            ErrorMessage: last.errorMessage,
            LogGroup: '/aws-glue/crawlers',
            LogStream: crawler.name,
            MessagePrefix: `${crawler.name}-${last.startedAt}`,
            StartTime: epochSeconds(last.startedAt),
          },
    Version: 1,
  };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function metricsView(crawler: Crawler, now: number, durations: Durations) {
  const crawl = crawler.current;
  const endsAt =
    crawl === undefined ? now : crawl.startedAt + (crawl.durationMs ?? durations.crawlMs) + durations.crawlStopMs;
  return {
    CrawlerName: crawler.name,
    TimeLeftSeconds: crawl === undefined ? 0 : Math.max(0, (endsAt - now) / 1000),
    StillEstimating: false,
    LastRuntimeSeconds: (crawler.runtimesMs.at(-1) ?? 0) / 1000,
    MedianRuntimeSeconds: median(crawler.runtimesMs) / 1000,
    TablesCreated: 0,
    TablesUpdated: 0,
    TablesDeleted: 0,
  };
}
