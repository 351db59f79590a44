import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

const SECRET = 'tok-from-the-browser-31337';

test('variables are set and deleted from the UI, and a secret value is never shown', async ({ page }) => {
  await signIn(page, E2E_USERS.admin);
  await page.getByRole('navigation').getByRole('link', { name: 'Variables' }).click();
  await expect(page).toHaveURL(/\/variables$/);

  await page.getByTestId('variable-new').click();
  await page.getByTestId('variable-key').fill('partner_token');
  await page.getByTestId('variable-value').fill(SECRET);
  await page.getByTestId('variable-secret').check();
  await page.getByTestId('variable-save').click();
  const secretRow = page.getByTestId('variable-row-partner_token');
  await expect(secretRow).toContainText('***');

  await page.getByTestId('variable-new').click();
  await page.getByTestId('variable-key').fill('region');
  await page.getByTestId('variable-value').fill('eu-west-1');
  await page.getByTestId('variable-save').click();
  await expect(page.getByTestId('variable-row-region')).toContainText('eu-west-1');

  await page.reload();
  await expect(secretRow).toContainText('***');
  await expect(page.locator('body')).not.toContainText(SECRET);

  // Replacing a secret starts from an empty value: the browser never had it.
  await secretRow.getByRole('button', { name: 'Set' }).click();
  await expect(page.getByTestId('variable-value')).toHaveValue('');
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.getByTestId('variable-delete-partner_token').click();
  await page.getByTestId('variable-delete-confirm').click();
  await expect(secretRow).toHaveCount(0);
  await expect(page.getByTestId('variable-row-region')).toBeVisible();
});
