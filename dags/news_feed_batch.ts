/**
 * The news feed team's daily batch, chained to two other teams' DAGs as the
 * SmartNews batch layer was: it waits for the data platform's
 * `daily_batch_etl` to have loaded the day's activity logs (a sensor on one
 * task of that DAG's run at the same logical date), ranks the day's
 * articles, then starts the ads team's `partner_revenue_report` for the day
 * and waits for it to end before publishing. Both waits are deferred: they
 * hold no worker slot, however long the other team takes.
 */
import { dag, dagRunSensor, fn, triggerDag } from '@sluice/sdk';

export const newsFeedBatch = dag({
  id: 'news_feed_batch',
  description: "Rank the day's articles once the activity logs are loaded, then have the ads team report on the day",
  schedule: '@daily',
  start: '2026-01-01',
  catchup: false,
  maxActiveRuns: 3,
  tags: ['news-feed', 'cross-dag', 'example'],
  owner: 'news-feed',
  defaultArgs: { retries: 1, retryDelay: '30s' },
});

/** The data platform's load of the day's activity logs (same logical date): failed there fails here at once. */
export const activityLogsLoaded = newsFeedBatch.task(
  'wait_for_activity_logs',
  dagRunSensor({ dagId: 'daily_batch_etl', taskId: 'load', timeout: '6h', pokeInterval: '1m' }),
);

/** Writes the one shared ranking index: a rerun of several days must not rank two at once. */
export const rankArticles = newsFeedBatch.task(
  'rank_articles',
  { upstream: [activityLogsLoaded], maxActiveTisPerDag: 1 },
  fn(async (ctx) => {
    const day = ctx.logicalDate.toISOString().slice(0, 10);
    const ranked = 500 + ctx.logicalDate.getUTCDate() * 10;
    ctx.log(`ranked ${ranked} articles of ${day}, after run ${ctx.output(activityLogsLoaded).runId}`);
    return { day, ranked };
  }),
);

/** One run of the ads team's report per run of this DAG, created once even if this task is retried. */
export const partnerReport = newsFeedBatch.task(
  'trigger_partner_report',
  { upstream: [rankArticles] },
  triggerDag({
    dagId: 'partner_revenue_report',
    conf: { day: '{{ ds }}', source: 'news_feed_batch' },
    wait: true,
    pollInterval: '30s',
  }),
);

export const publish = newsFeedBatch.task(
  'publish',
  { upstream: [rankArticles, partnerReport] },
  fn(async (ctx) => {
    const { day, ranked } = ctx.output(rankArticles);
    const report = ctx.output(partnerReport);
    return { day, ranked, partnerReport: `${report.runId} (${report.state})` };
  }),
);
