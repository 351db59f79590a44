import { dag, shell } from '@sluice/sdk';

// Its runs take longer than its deadline: each one misses it.
export const late = dag({
  id: 'e2e_deadline',
  schedule: null,
  start: '2026-01-01',
  description: 'a DAG whose runs always miss their deadline',
  deadline: { from: 'queuedAt', within: '1s' },
});
late.task('slow', shell({ command: 'sleep 3' }));
