import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

test("the DAG page shows its deadline and the runs that missed it; the run page shows the run's deadline as missed", async ({
  page,
}) => {
  await signIn(page, E2E_USERS.operator, '/dags/e2e_deadline');
  await expect(page.getByTestId('dag-deadline')).toHaveText('within 1s of being queued');

  await page.getByTestId('trigger-e2e_deadline').click();
  await page.getByTestId('trigger-confirm').click();
  // The run takes 3 s against a 1 s deadline: the scheduler finds it missed while it runs.
  const misses = page.locator('[data-testid^="deadline-miss-manual__"]');
  await expect
    .poll(
      async () => {
        await page.reload();
        // The misses come in the same answer as the deadline: once it shows, the list is there too.
        await expect(page.getByTestId('dag-deadline')).toBeVisible();
        return misses.count();
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);

  await misses.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/dags\/e2e_deadline\/runs\//);
  await expect(page.getByTestId('run-deadline')).toHaveAttribute('data-missed', 'true');
  await expect(page.getByTestId('run-deadline')).toContainText('Missed its deadline of');
});
