import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

test('the graph shows a task group collapsed, expands it on a click and collapses it again', async ({ page }) => {
  await signIn(page, E2E_USERS.viewer);
  await page.goto('/dags/e2e_groups?view=graph');
  const group = page.getByTestId('graph-group-ingest');
  await expect(group).toBeVisible();
  await expect(group).toContainText('group · 2 tasks');
  await expect(page.getByTestId('graph-node-start')).toBeVisible();
  await expect(page.getByTestId('graph-node-ingest.pull')).toHaveCount(0);

  await group.click();
  await expect(page.getByTestId('graph-node-ingest.pull')).toBeVisible();
  await expect(page.getByTestId('graph-node-ingest.check')).toBeVisible();
  await expect(page.getByTestId('graph-group-ingest')).toHaveCount(0);

  await page.getByTestId('graph-collapse-ingest').click();
  await expect(page.getByTestId('graph-group-ingest')).toBeVisible();
  await expect(page.getByTestId('graph-node-ingest.check')).toHaveCount(0);
});

test('the grid nests a group’s tasks under it and folds them away', async ({ page }) => {
  await signIn(page, E2E_USERS.operator);
  await page.goto('/dags/e2e_groups');
  await page.getByTestId('trigger-e2e_groups').click();
  await page.getByTestId('trigger-confirm').click();
  const pull = page.getByTestId('grid-row-ingest.pull');
  await expect(pull).toBeVisible({ timeout: 20_000 });
  // Shown under the group by its own name, one level in.
  await expect(pull.getByRole('rowheader')).toContainText('pull');
  await expect(pull.getByRole('rowheader')).not.toContainText('ingest.pull');

  const toggle = page.getByTestId('grid-group-ingest');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(pull).toHaveCount(0);
  await expect(page.getByTestId('grid-row-report')).toBeVisible();
  await toggle.click();
  await expect(pull).toBeVisible();
});
