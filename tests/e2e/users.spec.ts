import { expect, test } from '@playwright/test';
import { signIn, unique } from './helpers';
import { E2E_USERS } from './users';

test('an admin adds a user, changes their role and teams, and deletes them', async ({ page }) => {
  const username = unique('new-user');
  await signIn(page, E2E_USERS.admin);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/users$/);

  await page.getByTestId('user-new-name').fill(username);
  await page.getByTestId('user-new-password').fill('a-long-enough-password');
  await page.getByTestId('user-create').click();
  await expect(page.getByTestId(`user-role-${username}`)).toHaveText('viewer');

  await page.getByTestId(`user-edit-${username}`).click();
  await page.getByTestId('user-edit-role').selectOption('operator');
  await page.getByTestId('user-edit-teams').fill('growth, finance');
  await page.getByTestId('user-edit-save').click();
  await expect(page.getByTestId(`user-role-${username}`)).toHaveText('operator');
  await expect(page.getByTestId(`user-teams-${username}`)).toHaveText('growth, finance');

  await page.getByTestId(`user-delete-${username}`).click();
  await page.getByTestId('user-delete-confirm').click();
  await expect(page.getByTestId(`user-row-${username}`)).toHaveCount(0);
});

test('a password the API refuses is shown with the reason', async ({ page }) => {
  await signIn(page, E2E_USERS.admin, '/users');
  await page.getByTestId('user-new-name').fill(unique('short'));
  await page.getByTestId('user-new-password').fill('short');
  await page.getByTestId('user-create').click();
  await expect(page.getByTestId('user-error')).toContainText('at least 12 characters');
});
