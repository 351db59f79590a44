import { dag, fn } from '@sluice/sdk';

// Task groups for the browser test: the graph shows "ingest" collapsed until it is clicked.
export const groups = dag({
  id: 'e2e_groups',
  schedule: null,
  start: '2026-01-01',
  description: 'a task group, collapsed and expanded in the graph',
  tags: ['e2e'],
});
const start = groups.task(
  'start',
  fn(async () => 1),
);
const ingest = groups.group('ingest', { upstream: [start] }, (g) => {
  const pull = g.task(
    'pull',
    fn(async () => 'pulled'),
  );
  g.task(
    'check',
    { upstream: [pull] },
    fn(async () => 'checked'),
  );
});
groups.task(
  'report',
  { upstream: [ingest] },
  fn(async () => 'reported'),
);
