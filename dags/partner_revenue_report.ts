/**
 * The ads team's partner revenue report: no schedule of its own — another
 * team's batch DAG (`news_feed_batch`) triggers a run for each day it
 * finishes, passing the day in the run's conf, which `confSchema` checks
 * (a trigger with a bad conf fails before any run is made).
 */
import { dag, fn } from '@sluice/sdk';

export const partnerRevenueReport = dag({
  id: 'partner_revenue_report',
  description: "Partner revenue for a day, run when the news feed's batch for that day is done",
  schedule: null,
  start: '2026-01-01',
  tags: ['ads', 'cross-dag', 'example'],
  owner: 'ads',
  confSchema: {
    type: 'object',
    properties: {
      day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      source: { type: 'string' },
    },
    required: ['day'],
  },
  defaultArgs: { retries: 1, retryDelay: '10s' },
});

export const collectImpressions = partnerRevenueReport.task(
  'collect_impressions',
  fn(async (ctx) => {
    const day = String(ctx.conf['day']);
    const impressions = 120_000 + Number(day.slice(8, 10)) * 1_000;
    ctx.log(`impressions of ${day}: ${impressions}, asked for by ${String(ctx.conf['source'] ?? 'a user')}`);
    return { day, impressions };
  }),
);

export const computeRevenue = partnerRevenueReport.task(
  'compute_revenue',
  { upstream: [collectImpressions] },
  fn(async (ctx) => {
    const { day, impressions } = ctx.output(collectImpressions);
    // A flat CPM of 2.50 per thousand impressions.
    return { day, revenueUsd: Math.round(impressions * 2.5) / 1000 };
  }),
);
