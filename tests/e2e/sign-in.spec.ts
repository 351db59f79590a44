import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS, SSO_ACCOUNT, SSO_NAME } from './users';

test('signing in with a password shows the user and role; signing out goes back to the sign-in page', async ({
  page,
}) => {
  await signIn(page, E2E_USERS.operator);
  await expect(page.getByTestId('user-role')).toHaveText('operator');
  await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();

  await page.getByTestId('user-menu').locator('summary').click();
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('login-form')).toBeVisible();
  // The session is gone on the server too, not just hidden.
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  expect(me).toBe(401);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password says so and signs nobody in', async ({ page }) => {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(E2E_USERS.viewer.username);
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText('Wrong username or password.');
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
});

test('too many failed sign-ins say how long to wait', async ({ page }) => {
  await page.goto('/login');
  // serve.ts allows 3 failures per username; this name is used by no other test.
  await page.getByTestId('login-username').fill('e2e-nobody');
  await page.getByTestId('login-password').fill('not-the-password');
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toHaveText('Wrong username or password.');
    await expect(page.getByTestId('login-submit')).toBeEnabled();
  }
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText(/^Too many failed sign-ins; try again in \d+ s$/);
});

test('an unauthenticated visit to a DAG goes to sign-in and comes back there after it', async ({ page }) => {
  await page.goto('/dags/e2e_pipeline?view=graph');
  await expect(page).toHaveURL(/\/login\?returnTo=%2Fdags%2Fe2e_pipeline%3Fview%3Dgraph$/);
  await page.getByTestId('login-username').fill(E2E_USERS.viewer.username);
  await page.getByTestId('login-password').fill(E2E_USERS.viewer.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/dags\/e2e_pipeline\?view=graph$/);
  await expect(page.getByRole('heading', { name: 'e2e_pipeline' })).toBeVisible();
  await expect(page.getByTestId('graph-node-extract')).toBeVisible();
});

test('a session that ends while the page is open sends the next request to sign-in, and back after it', async ({
  page,
  context,
}) => {
  await signIn(page, E2E_USERS.viewer);
  await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();
  // The cookie goes (expired, or signed out elsewhere); the page does not know until the API answers 401.
  await context.clearCookies();
  await page.getByTestId('dag-row-e2e_pipeline').getByRole('link', { name: 'e2e_pipeline' }).click();
  await expect(page).toHaveURL(/\/login\?returnTo=%2Fdags%2Fe2e_pipeline$/);
  await page.getByTestId('login-username').fill(E2E_USERS.viewer.username);
  await page.getByTestId('login-password').fill(E2E_USERS.viewer.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/dags\/e2e_pipeline$/);
  await expect(page.getByRole('heading', { name: 'e2e_pipeline' })).toBeVisible();
});

test('single sign-on through the provider’s pages lands on the DAG list as the provider’s user', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByTestId('login-sso')).toHaveText(`Sign in with ${SSO_NAME}`);
  await page.getByTestId('login-sso').click();
  // The provider's own development pages: any login, then consent.
  await page.locator('input[name="login"]').fill(SSO_ACCOUNT.id);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByTestId('user-name')).toHaveText(SSO_ACCOUNT.id);
  expect(new URL(page.url()).pathname).toBe('/');
  await expect(page.getByTestId('user-role')).toHaveText(SSO_ACCOUNT.role);
  await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();
});

test('a failed single sign-on comes back to the sign-in page saying why', async ({ page }) => {
  // The provider's answer arrives without the state this browser left with.
  await page.goto('/api/v1/auth/oidc/callback?code=forged&state=forged');
  await expect(page).toHaveURL(/\/login\?ssoError=/);
  await expect(page.getByTestId('login-sso-error')).toContainText('Single sign-on took too long');
  await expect(page.getByTestId('login-sso')).toBeVisible();
});
