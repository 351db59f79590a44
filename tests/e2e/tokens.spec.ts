import { expect, test } from '@playwright/test';
import { signIn, unique } from './helpers';
import { E2E_USERS } from './users';

test('an operator makes an API token on /tokens, sees it once, uses it, and revokes it', async ({ page, request }) => {
  const name = unique('cli');
  await signIn(page, E2E_USERS.operator);
  await page.getByTestId('user-menu').locator('summary').click();
  await page.getByTestId('menu-tokens').click();
  await expect(page).toHaveURL(/\/tokens$/);

  // No role above the operator's own is offered.
  await expect(page.getByTestId('token-role').locator('option')).toHaveText(['viewer', 'operator']);
  await page.getByTestId('token-name').fill(name);
  await page.getByTestId('token-role').selectOption('viewer');
  await page.getByTestId('token-expiry').fill('7');
  await page.getByTestId('token-create').click();
  const value = page.getByTestId('new-token-value');
  await expect(value).toHaveText(/^slc_/);
  const token = (await value.textContent()) ?? '';

  const row = page.getByTestId(`token-row-${E2E_USERS.operator.username}-${name}`);
  await expect(row).toHaveAttribute('data-status', 'active');
  await expect(row).toContainText('viewer');

  const asToken = () => request.get('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
  const before = await asToken();
  expect(before.status()).toBe(200);
  expect(await before.json()).toMatchObject({ username: E2E_USERS.operator.username, role: 'viewer', via: 'token' });

  await page.getByTestId(`token-revoke-${E2E_USERS.operator.username}-${name}`).click();
  await page.getByTestId('token-revoke-confirm').click();
  await expect(row).toHaveAttribute('data-status', 'revoked');
  expect((await asToken()).status()).toBe(401);

  // Shown once: after a reload only its first characters are left.
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(row).toContainText(`${token.slice(0, 12)}…`);
});
