/**
 * A mapped task in the browser against a real Sluice: a DAG mapping over the
 * four files a listing finds runs; the grid shows the mapped task as one row
 * counting its instances, which expands to one row per instance; the run
 * page lists each instance with its item and opens its log.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

test('the grid sums a mapped task up and expands it; the run page lists its instances with their items', async ({
  page,
}) => {
  await signIn(page, E2E_USERS.operator, '/dags/e2e_mapping');
  await page.goto('/dags/e2e_mapping');
  await page.getByTestId('trigger-e2e_mapping').click();
  await page.getByTestId('trigger-confirm').click();
  const runId = (await page.getByTestId('trigger-created').getByRole('link').textContent()) ?? '';

  const cell = page.getByTestId(`grid-cell-load-${runId}`);
  await expect(cell).toHaveAttribute('data-counts', '1 failed · 3 success', { timeout: 30_000 });
  await expect(cell).toHaveAttribute('data-state', 'failed');
  const toggle = page.getByTestId('grid-mapped-load');
  await expect(toggle).toContainText('mapped × 4');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  for (const i of [0, 1, 3]) {
    await expect(page.getByTestId(`grid-cell-load[${i}]-${runId}`)).toHaveAttribute('data-state', 'success');
  }
  await expect(page.getByTestId(`grid-cell-load[2]-${runId}`)).toHaveAttribute('data-state', 'failed');
  await page.getByTestId(`grid-cell-load[2]-${runId}`).click();

  // The run page: the mapped task's row, and its instances with their items.
  await expect(page.getByTestId('ti-mapped-load')).toContainText('mapped × 4: 1 failed · 3 success');
  const list = page.getByTestId('mapped-load');
  await expect(list.getByTestId('ti-row-load[0]')).toContainText('"a.csv"');
  await expect(list.getByTestId('ti-row-load[2]')).toContainText('"c.csv"');
  await expect(list.getByTestId('ti-row-load[2]')).toHaveAttribute('data-state', 'failed');
  const panel = page.getByTestId('ti-panel');
  await expect(panel.getByRole('heading', { name: 'load[2]' })).toBeVisible();
  await expect(panel.getByTestId('ti-map-item')).toContainText('"c.csv"');
  await expect(page.getByTestId('log-view')).toContainText('c.csv is corrupt', { timeout: 10_000 });

  await list.getByTestId('mapped-log-load[1]').click();
  await expect(panel.getByRole('heading', { name: 'load[1]' })).toBeVisible();
  await expect(page).toHaveURL(/task=load%5B1%5D/);
});
