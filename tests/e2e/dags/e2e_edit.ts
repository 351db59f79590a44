import { dag, fn } from '@sluice/sdk';

// Changed by the browser test while Sluice runs (in its copy of this folder): a new version, then a broken file.
export const edit = dag({
  id: 'e2e_edit',
  schedule: null,
  start: '2026-01-01',
  description: 'the first version, for the browser test of versions and broken files',
  tags: ['e2e'],
});
edit.task(
  'extract',
  fn(async () => ({ rows: 1 })),
);
