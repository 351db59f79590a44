import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

test('pools are sized and deleted from the UI, with their occupancy shown', async ({ page }) => {
  await signIn(page, E2E_USERS.operator);
  await page.getByRole('navigation').getByRole('link', { name: 'Pools' }).click();
  await expect(page).toHaveURL(/\/pools$/);

  await page.getByTestId('pool-name').fill('e2e_emr');
  await page.getByTestId('pool-slots').fill('3');
  await page.getByTestId('pool-save').click();
  await expect(page.getByTestId('pool-row-e2e_emr')).toBeVisible();
  await expect(page.getByTestId('pool-occupancy-e2e_emr')).toHaveText('0 running · 0 queued · 3 free of 3');

  await page.getByTestId('pool-name').fill('e2e_emr');
  await page.getByTestId('pool-slots').fill('5');
  await page.getByTestId('pool-save').click();
  await expect(page.getByTestId('pool-occupancy-e2e_emr')).toHaveText('0 running · 0 queued · 5 free of 5');

  await page.getByTestId('pool-delete-e2e_emr').click();
  await expect(page.getByTestId('pool-row-e2e_emr')).toHaveCount(0);
});
