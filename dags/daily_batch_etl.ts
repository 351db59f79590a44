/**
 * The daily batch layer (after SmartNews' Airflow + EMR setup): yesterday's
 * app activity logs are listed, converted to a columnar table, loaded into the
 * warehouse and summarised. Here every step is simulated on the laptop; the
 * EMR/Hive versions of transform and load replace the fn/shell operators.
 */
import { dag, fn, shell } from '@sluice/sdk';

export const dailyBatchEtl = dag({
  id: 'daily_batch_etl',
  description: 'Daily aggregation of app activity logs: extract → transform → load → report',
  schedule: '@daily',
  start: '2026-01-01',
  timezone: 'UTC',
  catchup: false,
  maxActiveRuns: 1,
  tags: ['etl', 'batch', 'example'],
  owner: 'data-platform',
  dagrunTimeout: '1h',
  defaultArgs: {
    retries: 2,
    retryDelay: '5s',
    retryExponentialBackoff: true,
    maxRetryDelay: '1m',
    executionTimeout: '5m',
  },
});

/** Deterministic pseudo-random counts from the logical date, so reruns give the same numbers. */
function seeded(day: string, salt: number): number {
  let h = salt;
  for (const ch of day) h = (h * 31 + ch.charCodeAt(0)) % 1_000_003;
  return h;
}

export const extract = dailyBatchEtl.task(
  'extract',
  { doc: 'Lists the activity log files Fluentd wrote to S3 for the data interval.' },
  fn(async (ctx) => {
    const day = ctx.dataInterval.start.toISOString().slice(0, 10);
    const files = 24;
    const rows = 50_000 + seeded(day, 7);
    ctx.log(`found ${files} hourly log files for ${day} with ${rows} rows`);
    return { day, prefix: `s3://activity-logs/dt=${day}/`, files, rows };
  }),
);

export const transform = dailyBatchEtl.task(
  'transform',
  { upstream: [extract], doc: 'Converts the raw logs to ORC and computes per-activity counts.' },
  fn(async (ctx) => {
    const raw = ctx.output(extract);
    const activities = ['article_view', 'share', 'scroll', 'ad_click'] as const;
    const counts: Record<string, number> = {};
    let left = raw.rows;
    activities.forEach((activity, i) => {
      const n = i === activities.length - 1 ? left : Math.floor(left / 2);
      counts[activity] = n;
      left -= n;
    });
    ctx.log('activity counts', counts);
    return { day: raw.day, table: `batch_views.user_activities_${raw.day.replaceAll('-', '')}`, counts };
  }),
);

export const load = dailyBatchEtl.task(
  'load',
  { upstream: [transform], executionTimeout: '2m' },
  shell({
    command:
      'mkdir -p /tmp/sluice-demo/warehouse && echo "$SLUICE_DS loaded" >> /tmp/sluice-demo/warehouse/user_activities.log && echo "loaded partition dt=$SLUICE_DS"',
  }),
);

export const report = dailyBatchEtl.task(
  'report',
  { upstream: [transform, load], triggerRule: 'all_success' },
  fn(async (ctx) => {
    const { table, counts } = ctx.output(transform);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
    ctx.log(`${table}: ${total} events, most common ${top?.[0] ?? 'none'}`);
    return { table, total, top: top?.[0] ?? null };
  }),
);
