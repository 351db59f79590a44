import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

test('triggering a DAG from the UI shows its run turn success in the grid and the run page', async ({ page }) => {
  await signIn(page, E2E_USERS.operator);
  await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();
  await page.getByTestId('dag-row-e2e_pipeline').getByRole('link', { name: 'e2e_pipeline' }).click();
  await expect(page).toHaveURL(/\/dags\/e2e_pipeline$/);

  // Other tests trigger this DAG too: our run is the column that was not there before.
  const columns = page.locator('[data-testid^="grid-run-manual__"]');
  await expect(page.locator('.dag-grid, .empty-note').first()).toBeVisible();
  const before = new Set(await columns.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-testid'))));

  await page.getByTestId('trigger-e2e_pipeline').click();
  await page.getByTestId('conf-input').fill('{"source": "browser"}');
  await page.getByTestId('trigger-confirm').click();

  // The grid updates by itself while the run is in progress: no reload.
  let runId = '';
  await expect
    .poll(
      async () => {
        const ids = await columns.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-testid') ?? ''));
        runId = ids.find((id) => !before.has(id))?.replace('grid-run-', '') ?? '';
        return runId;
      },
      { timeout: 20_000 },
    )
    .not.toBe('');
  await expect(page.getByTestId(`grid-run-${runId}`)).toHaveAttribute('data-state', 'success', { timeout: 30_000 });
  for (const task of ['extract', 'transform', 'load']) {
    await expect(page.getByTestId(`grid-cell-${task}-${runId}`)).toHaveAttribute('data-state', 'success');
  }

  await page.getByTestId(`grid-cell-load-${runId}`).click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'success');
  await expect(page.getByTestId('ti-row-load')).toHaveAttribute('data-state', 'success');
  await expect(page.getByTestId('log-view')).toContainText('loaded', { timeout: 10_000 });
  await expect(page.getByTestId('run-conf')).toContainText('browser');
});
