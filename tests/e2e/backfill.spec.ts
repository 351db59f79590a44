import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

const FAILED_RUN = 'backfill__2025-06-02T00:00:00.000Z';

test('a backfill is previewed, started and followed to the end, and its failed run is marked and cleared only after a preview', async ({
  page,
}) => {
  await signIn(page, E2E_USERS.operator, '/dags/e2e_daily');
  await expect(page).toHaveURL(/\/dags\/e2e_daily$/);

  await page.getByTestId('backfill-button').click();
  const dialog = page.getByTestId('backfill-dialog');
  await dialog.getByTestId('backfill-from').fill('2025-06-01');
  await dialog.getByTestId('backfill-to').fill('2025-06-03');
  await dialog.getByTestId('backfill-max-active-runs').fill('3');
  // Nothing starts without a preview of what it starts.
  await expect(dialog.getByTestId('backfill-confirm')).toBeDisabled();
  await dialog.getByTestId('backfill-preview').click();
  const preview = dialog.getByTestId('backfill-preview-table');
  await expect(preview).toContainText('3 intervals, 3 at a time: 3 new runs, 0 reruns, 0 skipped.');
  await expect(preview.locator('tr[data-action="create"]')).toHaveCount(3);
  await expect(preview).toContainText('backfill__2025-06-01T00:00:00.000Z');
  await dialog.getByTestId('backfill-confirm').click();
  await expect(dialog).toBeHidden();

  // The progress view follows it by itself to the end.
  const backfills = page.getByTestId('backfills');
  await expect(backfills.getByTestId('backfill-state').first()).toHaveText('completed', { timeout: 30_000 });
  await expect(backfills.getByTestId('backfill-counts').first()).toHaveText(
    '3/3 intervals · 2 success · 1 failed · 0 running',
  );

  await page.goto(`/dags/e2e_daily/runs/${encodeURIComponent(FAILED_RUN)}`);
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'failed');

  // Marking shows what it changes first; Cancel changes nothing.
  await page.getByTestId('run-mark-success').click();
  await expect(page.getByTestId('mark-preview')).toContainText('ends as success; 1 task instance is marked with it');
  await expect(page.getByTestId('preview-task-check')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'failed');

  await page.getByTestId('run-clear-failed').click();
  await expect(page.getByTestId('clear-preview')).toContainText('1 task instance in 1 run will be cleared');
  await expect(page.getByTestId('preview-task-check')).toContainText('check');
  await page.getByTestId('run-action-confirm').click();

  // Cleared: the task runs again as its second try (and fails again, as that day has no data).
  await expect
    .poll(
      async () => {
        const res = await page.request.get(`/api/v1/dags/e2e_daily/runs/${encodeURIComponent(FAILED_RUN)}`);
        const run = (await res.json()) as { taskInstances: Array<{ taskId: string; tryNumber: number }> };
        return run.taskInstances.find((t) => t.taskId === 'check')?.tryNumber;
      },
      { timeout: 20_000 },
    )
    .toBe(2);
});
