import { dag, fn, shell } from '@sluice/sdk';

// A retried task, a log with an error in it and a long task name: the run page's Gantt, log tools and graph labels.
export const history = dag({
  id: 'e2e_history',
  schedule: null,
  start: '2026-01-01',
  description: 'a retry, a log with an error and a long task name, for the browser test',
  tags: ['e2e'],
});
const flaky = history.task(
  'flaky_extract',
  { retries: 1, retryDelay: '1s' },
  fn(async (ctx) => {
    if (ctx.tryNumber === 1) throw new Error('the first try fails');
    return { rows: 5 };
  }),
);
history.task(
  'load_the_rows_into_the_warehouse_and_refresh_the_reports',
  { upstream: [flaky] },
  shell({
    command:
      'for i in 1 2 3 4 5; do echo "row $i loaded"; done; echo "ERROR: row 6 rejected by the warehouse" >&2; echo "done"',
  }),
);
