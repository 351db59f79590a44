/**
 * AudienceProject's correction job, driven by data. When log files land
 * late, whoever notices records an event on the late-data asset naming the
 * days the files belong to — the landing process through the API, or a
 * person:
 *
 *   sluice assets event s3://audience-events/raw/late/ --extra '{"dates":["2026-11-20"]}'
 *
 * Every batch of such events (however many arrived since the last run)
 * makes one run, which reprocesses each affected day once: the Glue job
 * overwrites those days' partitions, so running it twice for a day gives
 * the same result. When it is done, the enriched-events asset says which
 * days changed, and the DAGs scheduled on it (audience_reports) rerun them.
 */
import { NonRetryableError, asset, dag, fn, glue } from '@sluice/sdk';

/** Late log files landed; `dates` are the days (YYYY-MM-DD) they belong to. */
export const lateLogs = asset<{ dates: string[]; files?: number }>('s3://audience-events/raw/late/');
/** The enriched events, a partition per day; a correction rewrites some of them. */
export const enrichedEvents = asset<{ dates: string[]; reason: string }>('s3://audience-events/enriched/');

export const lateDataCorrection = dag({
  id: 'late_data_correction',
  description: 'Reprocess the days late files belong to when they land (idempotent by date)',
  schedule: [lateLogs],
  start: '2026-11-01',
  tags: ['glue', 'corrections', 'assets', 'example'],
  owner: 'data-platform',
  maxActiveRuns: 1,
  defaultArgs: { retries: 1, retryDelay: '1m', executionTimeout: '2h' },
});

const day = /^\d{4}-\d{2}-\d{2}$/;

const plan = lateDataCorrection.task(
  'plan',
  fn(async (ctx) => {
    const dates = [...new Set(ctx.triggeringEventsFor(lateLogs).flatMap((e) => e.extra.dates ?? []))].sort();
    const bad = dates.filter((d) => !day.test(d));
    if (bad.length > 0)
      throw new NonRetryableError(`late-data events name dates that are not YYYY-MM-DD: ${bad.join(', ')}`);
    if (dates.length === 0) throw new NonRetryableError('the late-data events name no dates to reprocess');
    ctx.log(`reprocessing ${dates.join(', ')}: their partitions will be overwritten`);
    return { dates, partitions: dates.map((d) => `s3://audience-events/enriched/dt=${d}/`) };
  }),
);

const reprocess = lateDataCorrection.task(
  'reprocess_days',
  { upstream: [plan] },
  glue.startJobRun({
    jobName: 'reprocess-day',
    // Every date the batch's events named, once each: "2026-11-20,2026-11-21".
    arguments: { '--mode': 'overwrite-partition', '--days': '{{ triggering.dates }}' },
  }),
);

const crawl = lateDataCorrection.task(
  'refresh_catalog',
  { upstream: [reprocess] },
  glue.crawler({ crawlerName: 'audience-events-enriched' }),
);

lateDataCorrection.task(
  'announce',
  { upstream: [plan, crawl], outlets: [enrichedEvents] },
  fn((ctx) => {
    const { dates } = ctx.output(plan);
    ctx.outletEvent(enrichedEvents, { dates, reason: 'late data' });
    return { corrected: dates };
  }),
);
