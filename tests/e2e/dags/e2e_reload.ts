import { dag, fn } from '@sluice/sdk';

// A manual DAG with a conf schema (the trigger form), a first task that succeeds on its retry (the grid's try
// count), and a load that takes as long as asked (live durations).
export const reload = dag({
  id: 'e2e_reload',
  schedule: null,
  start: '2026-01-01',
  timezone: 'Europe/Copenhagen',
  description: "reload one day's partition, for the browser test",
  tags: ['e2e'],
  confSchema: {
    type: 'object',
    properties: {
      day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the day to reload, YYYY-MM-DD' },
      mode: { enum: ['append', 'overwrite'], default: 'overwrite' },
      seconds: { type: 'integer', minimum: 0, maximum: 30, default: 0, description: 'how long the load takes' },
    },
    required: ['day'],
    additionalProperties: false,
  },
});
const plan = reload.task(
  'plan',
  { retries: 1, retryDelay: 10 },
  fn(async (ctx) => {
    if (ctx.tryNumber === 1) throw new Error('the first try always fails');
    return String(ctx.conf.day);
  }),
);
reload.task(
  'load',
  { upstream: [plan] },
  fn(async (ctx) => {
    const seconds = Number(ctx.conf.seconds ?? 0);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return seconds;
  }),
);
