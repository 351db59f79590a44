import { NonRetryableError, dag, fn } from '@sluice/sdk';

export const daily = dag({
  id: 'e2e_daily',
  schedule: '@daily',
  start: '2025-01-01',
  description: 'a daily load whose 2025-06-02 interval fails, for the backfill browser test',
  tags: ['e2e'],
});
daily.task(
  'check',
  fn(async (ctx) => {
    const day = ctx.dataInterval.start.toISOString().slice(0, 10);
    if (day === '2025-06-02') throw new NonRetryableError(`no data for ${day}`);
    return { day };
  }),
);
