import { expect, test } from '@playwright/test';

test('triggering a DAG from the UI shows its run turn success in the grid and the run page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();
  await page.getByTestId('dag-row-e2e_pipeline').getByRole('link', { name: 'e2e_pipeline' }).click();
  await expect(page).toHaveURL(/\/dags\/e2e_pipeline$/);

  await page.getByTestId('trigger-e2e_pipeline').click();
  await page.getByTestId('conf-input').fill('{"source": "browser"}');
  await page.getByTestId('trigger-confirm').click();

  // The grid updates by itself while the run is in progress: no reload.
  const column = page.locator('[data-testid^="grid-run-manual__"]');
  await expect(column).toHaveCount(1, { timeout: 20_000 });
  await expect(column).toHaveAttribute('data-state', 'success', { timeout: 30_000 });
  const runId = ((await column.getAttribute('data-testid')) ?? '').replace('grid-run-', '');
  for (const task of ['extract', 'transform', 'load']) {
    await expect(page.getByTestId(`grid-cell-${task}-${runId}`)).toHaveAttribute('data-state', 'success');
  }

  await page.getByTestId(`grid-cell-load-${runId}`).click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'success');
  await expect(page.getByTestId('ti-row-load')).toHaveAttribute('data-state', 'success');
  await expect(page.getByTestId('log-view')).toContainText('loaded', { timeout: 10_000 });
  await expect(page.getByTestId('run-conf')).toContainText('browser');
});
