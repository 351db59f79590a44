/**
 * Hourly user statistics, after the Glue-based pipeline that turns the hour's
 * Firehose partition (YYYY/MM/DD/HH) into engagement stats: one task finds
 * the partition, three compute stats in parallel (fan-out), one publishes
 * them together (fan-in). The Glue job runs are simulated with fn tasks.
 */
import { dag, fn, shell } from '@sluice/sdk';

export const hourlyStats = dag({
  id: 'hourly_stats',
  description: 'Hourly stats: find the partition, compute three stats in parallel, publish them together',
  schedule: '@hourly',
  start: '2026-01-01',
  catchup: false,
  maxActiveRuns: 2,
  tags: ['stats', 'glue', 'example'],
  owner: 'analytics',
  defaultArgs: { retries: 1, retryDelay: '5s', executionTimeout: '2m' },
});

const partition = hourlyStats.task(
  'find_partition',
  fn(async (ctx) => {
    const start = ctx.dataInterval.start;
    const hh = String(start.getUTCHours()).padStart(2, '0');
    const prefix = `s3://events/master/${start.toISOString().slice(0, 10).replaceAll('-', '/')}/${hh}/`;
    const events = 10_000 + start.getUTCHours() * 137;
    ctx.log(`partition ${prefix} holds ${events} events`);
    return { prefix, events };
  }),
);

const engagement = hourlyStats.task(
  'engagement_stats',
  { upstream: [partition], pool: 'default_pool' },
  fn(async (ctx) => {
    const { events } = ctx.output(partition);
    return { activeUsers: Math.round(events / 7), avgSessionSeconds: 312 };
  }),
);

const adViews = hourlyStats.task(
  'ad_view_stats',
  { upstream: [partition] },
  fn(async (ctx) => {
    const { events } = ctx.output(partition);
    return { watched: Math.round(events * 0.4), skipped: Math.round(events * 0.1) };
  }),
);

const compact = hourlyStats.task(
  'compact_partition',
  { upstream: [partition] },
  shell({ command: 'echo "compacting the hour before $SLUICE_DATA_INTERVAL_END to parquet"' }),
);

hourlyStats.task(
  'publish_stats',
  { upstream: [engagement, adViews, compact] },
  fn(async (ctx) => {
    const e = ctx.output(engagement);
    const a = ctx.output(adViews);
    const viewRate = a.watched / Math.max(1, a.watched + a.skipped);
    ctx.log(`active users ${e.activeUsers}, ad view rate ${(viewRate * 100).toFixed(1)}%`);
    return { activeUsers: e.activeUsers, viewRate: Number(viewRate.toFixed(3)) };
  }),
);
