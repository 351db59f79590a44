import { dag, fn, items } from '@sluice/sdk';

// Dynamic task mapping for the browser test: one instance of "load" per file the listing finds; file "c" fails.
export const mapping = dag({
  id: 'e2e_mapping',
  schedule: null,
  start: '2026-01-01',
  description: 'a task mapped over the files a listing finds',
  tags: ['e2e'],
});
const list = mapping.task(
  'list',
  fn(async () => ({ files: ['a.csv', 'b.csv', 'c.csv', 'd.csv'] })),
);
mapping.task(
  'load',
  { upstream: [list], map: items(list, (o) => o.files) },
  fn(async (ctx) => {
    if (ctx.item === 'c.csv') throw new Error('c.csv is corrupt');
    return { loaded: ctx.item };
  }),
);
