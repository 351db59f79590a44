import { expect, test } from '@playwright/test';
import { signIn, unique } from './helpers';
import { E2E_USERS } from './users';

test('the audit log lists the trigger the signed-in operator just made, and filters by actor', async ({ page }) => {
  const marker = unique('audit');
  await signIn(page, E2E_USERS.operator, '/dags/e2e_pipeline');
  await page.getByTestId('trigger-e2e_pipeline').click();
  await page.getByTestId('conf-input').fill(JSON.stringify({ marker }));
  await page.getByTestId('trigger-confirm').click();
  await expect(page.getByTestId('trigger-dialog')).not.toBeVisible();

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  const ours = page.locator('tr[data-action="trigger"]', { hasText: marker });
  await expect(ours).toHaveCount(1);
  await expect(ours).toHaveAttribute('data-actor', E2E_USERS.operator.username);
  await expect(ours).toContainText('e2e_pipeline');

  await page.getByTestId('audit-filter-actor').fill(E2E_USERS.operator.username);
  await page.getByTestId('audit-apply').click();
  await expect(page).toHaveURL(/actor=e2e-operator/);
  await expect(ours).toHaveCount(1);
  const actors = await page
    .locator('tr[data-actor]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-actor')));
  expect(new Set(actors)).toEqual(new Set([E2E_USERS.operator.username]));

  await page.getByTestId('audit-filter-actor').fill(E2E_USERS.viewer.username);
  await page.getByTestId('audit-apply').click();
  await expect(page).toHaveURL(/actor=e2e-viewer/);
  await expect(ours).toHaveCount(0);
});

test('"load older" pages back through the audit log by its cursor', async ({ page }) => {
  await signIn(page, E2E_USERS.admin);
  // 55 token events by this admin, made through the API with the page's own session.
  const prefix = unique('page');
  await page.evaluate(async (p) => {
    const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
    for (let i = 0; i < 55; i++) {
      const res = await fetch('/api/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ name: `${p}-${i}`, expiresInDays: 1 }),
      });
      if (res.status !== 201) throw new Error(`token ${i}: ${res.status}`);
    }
  }, prefix);

  await page.goto(`/audit?actor=${E2E_USERS.admin.username}&action=token_create`);
  const rows = page.locator('tr[data-action="token_create"]');
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText(`${prefix}-54`);
  await page.getByTestId('audit-load-older').click();
  await expect(rows.nth(50)).toBeVisible();
  const count = await rows.count();
  expect(count).toBeGreaterThanOrEqual(55);
  // Newest first across the page boundary, nothing twice.
  const ids = await rows.evaluateAll((rs) => rs.map((r) => Number((r.getAttribute('data-testid') ?? '').slice(10))));
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  expect(new Set(ids).size).toBe(ids.length);
  await expect(page.locator('tr', { hasText: `"${prefix}-0"` })).toHaveCount(1);
});
