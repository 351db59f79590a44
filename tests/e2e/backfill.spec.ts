/**
 * Backfills and the actions on what they made, at 1400 and 800 px, each
 * dialog and the backfill list scanned by axe: a backfill previewed, started
 * and followed to the end; its failed run's task cleared with upstream,
 * downstream, past and future previewed and applied; the run marked success
 * after a preview, and it is success. Each width backfills a month of its
 * own (e2e_daily's check fails on the 2nd of June and of July).
 */
import { type Page, expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './axe';
import { screenshotForDocs, signIn } from './helpers';
import { readRun } from './runs-api';
import { E2E_USERS } from './users';

const runOf = (month: string, day: string) => `backfill__2025-${month}-${day}T00:00:00.000Z`;

/** The try number of `taskId` in the run, as the API says now. */
async function tryOf(page: Page, runId: string, taskId: string): Promise<number | undefined> {
  return (await readRun(page, 'e2e_daily', runId)).taskInstances.find((t) => t.taskId === taskId)?.tryNumber;
}

for (const [width, month] of [
  [1400, '06'],
  [800, '07'],
] as const) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test('a backfill is previewed, started and followed to the end; its failed run is cleared and marked only after a preview', async ({
      page,
    }) => {
      test.setTimeout(120_000);
      const failedRun = runOf(month, '02');
      await signIn(page, E2E_USERS.operator, '/dags/e2e_daily');
      await expect(page).toHaveURL(/\/dags\/e2e_daily$/);

      await page.getByTestId('backfill-button').click();
      const dialog = page.getByTestId('backfill-dialog');
      await dialog.getByTestId('backfill-from').fill(`2025-${month}-01`);
      await dialog.getByTestId('backfill-to').fill(`2025-${month}-03`);
      await dialog.getByTestId('backfill-max-active-runs').fill('3');
      // Nothing starts without a preview of what it starts.
      await expect(dialog.getByTestId('backfill-confirm')).toBeDisabled();
      await dialog.getByTestId('backfill-preview').click();
      const preview = dialog.getByTestId('backfill-preview-table');
      await expect(preview).toContainText('3 intervals, 3 at a time: 3 new runs, 0 reruns, 0 skipped.');
      await expect(preview.locator('tr[data-action="create"]')).toHaveCount(3);
      await expect(preview).toContainText(runOf(month, '01'));
      await expectNoSeriousA11yViolations(page, 'backfill dialog');
      await screenshotForDocs(page, width, 'backfill-dialog');
      await dialog.getByTestId('backfill-confirm').click();
      await expect(dialog).toBeHidden();

      // The progress view follows it by itself to the end.
      const backfills = page.getByTestId('backfills');
      await expect(backfills.getByTestId('backfill-state').first()).toHaveText('completed', { timeout: 30_000 });
      await expect(backfills.getByTestId('backfill-counts').first()).toHaveText(
        '3/3 intervals · 2 success · 1 failed · 0 running',
      );
      await expectNoSeriousA11yViolations(page, 'backfill list');

      await page.goto(`/dags/e2e_daily/runs/${encodeURIComponent(failedRun)}?task=check`);
      await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'failed');
      await expect(page.getByTestId('ti-row-report')).toHaveAttribute('data-state', 'upstream_failed');

      // The run's clear says what it resets (the failed check and the report that never ran for it); Cancel changes nothing.
      await page.getByTestId('run-clear-failed').click();
      await expect(page.getByTestId('clear-preview')).toContainText('2 task instances in 1 run will be cleared');
      await page.getByRole('button', { name: 'Cancel' }).click();

      // The task's clear: each option widens the preview before anything changes.
      await page.getByTestId('clear-button').click();
      const clearPreview = page.getByTestId('clear-preview');
      await expect(clearPreview).toContainText('1 task instance in 1 run will be cleared');
      await page.getByTestId('clear-upstream').check();
      await expect(clearPreview.getByTestId('preview-task-extract')).toBeVisible();
      await page.getByTestId('clear-downstream').check();
      await expect(clearPreview).toContainText('3 task instances in 1 run will be cleared');
      await expect(clearPreview.getByTestId('preview-task-report')).toBeVisible();
      await page.getByTestId('clear-future').check();
      await expect(clearPreview).toContainText(runOf(month, '03'));
      await page.getByTestId('clear-future').uncheck();
      await expect(clearPreview).not.toContainText(runOf(month, '03'));
      await page.getByTestId('clear-past').check();
      await expect(clearPreview).toContainText(runOf(month, '01'));
      await expectNoSeriousA11yViolations(page, 'task clear dialog');
      const earlier = await tryOf(page, runOf(month, '01'), 'check');
      await page.getByTestId('clear-confirm').click();

      // Applied: the upstream task and the same task of the day before run again, and the 2nd fails again.
      await expect.poll(() => tryOf(page, failedRun, 'extract'), { timeout: 30_000 }).toBe(2);
      await expect.poll(() => tryOf(page, runOf(month, '01'), 'check'), { timeout: 30_000 }).toBe((earlier ?? 0) + 1);
      await expect
        .poll(async () => (await readRun(page, 'e2e_daily', failedRun)).state, { timeout: 30_000 })
        .toBe('failed');
      await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'failed', { timeout: 10_000 });

      // A task marked in a run that has ended schedules nothing downstream, and its dialog says so.
      await page.getByTestId('mark-success').click();
      await expect(page.getByTestId('mark-success-effect')).toContainText('nothing downstream is scheduled');
      await page.getByRole('button', { name: 'Cancel' }).click();

      // Marking the run shows what it changes first, and then the run is success.
      await page.getByTestId('run-mark-success').click();
      const markPreview = page.getByTestId('mark-preview');
      await expect(markPreview).toContainText('ends as success; 2 task instances are marked with it');
      await expect(markPreview.getByTestId('preview-task-check')).toBeVisible();
      await expect(markPreview.getByTestId('preview-task-report')).toBeVisible();
      await expectNoSeriousA11yViolations(page, 'mark run dialog');
      await screenshotForDocs(page, width, 'run-actions-preview');
      await page.getByTestId('run-action-confirm').click();
      await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'success');
      await expect(page.getByTestId('ti-row-check')).toHaveAttribute('data-state', 'success');
      await expect(page.getByTestId('ti-row-report')).toHaveAttribute('data-state', 'success');
      await page.reload();
      await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'success');
    });
  });
}
