import { dag, shell } from '@sluice/sdk';

// Tagged for one team: users outside it (the e2e viewer and operator) neither list nor open it.
export const finance = dag({
  id: 'e2e_finance',
  schedule: null,
  start: '2026-01-01',
  description: 'a DAG only the finance team may see',
  tags: ['team:finance'],
});
finance.task('report', shell({ command: 'echo report' }));
