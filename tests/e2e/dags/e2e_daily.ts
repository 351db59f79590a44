import { NonRetryableError, dag, fn } from '@sluice/sdk';

/** One failing day per width the backfill browser test runs at, so each width has a month of its own. */
const NO_DATA = new Set(['2025-06-02', '2025-07-02']);

export const daily = dag({
  id: 'e2e_daily',
  schedule: '@daily',
  start: '2025-01-01',
  description:
    'extract → check → report, a daily load whose 2025-06-02 and 2025-07-02 checks fail, for the backfill browser test',
  tags: ['e2e'],
});
const extract = daily.task(
  'extract',
  fn(async (ctx) => ({ day: ctx.dataInterval.start.toISOString().slice(0, 10) })),
);
const check = daily.task(
  'check',
  { upstream: [extract] },
  fn(async (ctx) => {
    const { day } = ctx.output(extract);
    if (NO_DATA.has(day)) throw new NonRetryableError(`no data for ${day}`);
    return { day };
  }),
);
daily.task(
  'report',
  { upstream: [check] },
  fn(async (ctx) => ctx.output(check)),
);
