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
