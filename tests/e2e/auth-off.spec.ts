import { expect, test } from '@playwright/test';

// serve.ts runs the same Sluice with SLUICE_AUTH=off on the port after the main one.
const openBase = `http://127.0.0.1:${Number(process.env.SLUICE_E2E_PORT ?? 8091) + 1}`;

test('with sign-in off there is no sign-in page, no account menu, and the user can still act', async ({ page }) => {
  await page.goto(`${openBase}/dags/e2e_pipeline`);
  await expect(page.getByRole('heading', { name: 'e2e_pipeline' })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/dags/e2e_pipeline');
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
  // Everyone is the local admin: every action is offered.
  await expect(page.getByTestId('trigger-e2e_pipeline')).toBeEnabled();
  await expect(page.getByRole('link', { name: 'Users' })).toBeVisible();

  await page.goto(`${openBase}/login?returnTo=/audit`);
  await expect(page).toHaveURL(`${openBase}/audit`);
  await expect(page.getByTestId('login-form')).toHaveCount(0);
});
