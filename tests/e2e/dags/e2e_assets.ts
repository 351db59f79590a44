import { asset, dag, fn } from '@sluice/sdk';

// Assets for the browser test: the producer's task updates the asset, which triggers the consumer.
const orders = asset<{ day: string; rows: number }>('s3://e2e-lake/orders/');

export const producer = dag({
  id: 'e2e_asset_producer',
  schedule: null,
  start: '2026-01-01',
  description: 'updates s3://e2e-lake/orders/',
  tags: ['e2e'],
});
producer.task(
  'publish',
  { outlets: [orders] },
  fn(async (ctx) => {
    ctx.outletEvent(orders, { day: '2026-12-01', rows: 42 });
    return 'published';
  }),
);

export const consumer = dag({
  id: 'e2e_asset_consumer',
  schedule: [orders],
  description: 'runs when s3://e2e-lake/orders/ is updated',
  tags: ['e2e'],
});
consumer.task(
  'summarise',
  fn(async (ctx) => ctx.triggeringEvents.length),
);
