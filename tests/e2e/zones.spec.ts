/**
 * The zone picked in the top bar reaches every time on the run page (its
 * summary, the tries, the deadline and callbacks) and on the admin pages
 * (audit log, tokens, users, variables), at 1400 and 800 px, each page
 * with the axe scan. The browser runs in Tokyo, so its zone (GMT+9) is
 * neither UTC nor any DAG's.
 */
import { type Page, expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './axe';
import { signIn, unique } from './helpers';
import { E2E_USERS } from './users';

const TOKYO = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\+9/;
const UTC = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/;

/** Triggers `dagId` from its page and opens the new run's page. */
async function triggerAndOpen(page: Page, dagId: string): Promise<void> {
  await page.goto(`/dags/${dagId}`);
  await page.getByTestId(`trigger-${dagId}`).click();
  await page.getByTestId('trigger-confirm').click();
  await page.getByTestId('trigger-created').getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/dags/${dagId}/runs/`));
}

for (const width of [1400, 800]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 }, timezoneId: 'Asia/Tokyo' });

    test("the run page's summary, tries and deadline follow the zone picked", async ({ page }) => {
      await signIn(page, E2E_USERS.operator);
      await page.getByTestId('zone-select').selectOption('browser');
      await triggerAndOpen(page, 'e2e_deadline');
      await expect(page.getByTestId('run-deadline')).toContainText(TOKYO);
      await expect(page.getByTestId('run-summary')).toContainText(TOKYO);
      await expect(page.getByTestId('run-summary')).not.toContainText('UTC');
      const task = page.locator('[data-testid^="ti-row-"]').first();
      await task.click();
      await expect(page.getByTestId('try-row-1')).toContainText(TOKYO, { timeout: 20_000 });
      await expectNoSeriousA11yViolations(page, 'run page in the browser zone');

      await page.getByTestId('zone-select').selectOption('utc');
      await expect(page.getByTestId('run-summary')).toContainText(UTC);
      await expect(page.getByTestId('run-deadline')).toContainText(UTC);
      await expect(page.getByTestId('try-row-1')).toContainText(UTC);
      await expect(page.getByTestId('run-summary')).not.toContainText('GMT+9');
    });

    test('the audit log, tokens, users and variables follow the zone picked', async ({ page }) => {
      await signIn(page, E2E_USERS.admin);
      await page.getByTestId('zone-select').selectOption('browser');
      const key = unique('zone').replace('-', '_');
      await page.goto('/variables');
      await page.getByTestId('variable-new').click();
      await page.getByTestId('variable-key').fill(key);
      await page.getByTestId('variable-value').fill('x');
      await page.getByTestId('variable-save').click();
      await expect(page.getByTestId(`variable-row-${key}`)).toContainText(TOKYO);
      await expectNoSeriousA11yViolations(page, 'variables');

      await page.goto('/tokens');
      const name = unique('zone');
      await page.getByTestId('token-name').fill(name);
      await page.getByTestId('token-create').click();
      await expect(page.getByTestId(`token-row-${E2E_USERS.admin.username}-${name}`)).toContainText(TOKYO);
      await expectNoSeriousA11yViolations(page, 'tokens');

      await page.goto('/users');
      await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
      await expect(page.locator('table')).toContainText(TOKYO);
      await expect(page.locator('table')).not.toContainText('UTC');
      await expectNoSeriousA11yViolations(page, 'users');

      await page.goto('/audit');
      await expect(page.locator('[data-testid^="audit-row-"]').first()).toContainText(TOKYO);
      await expect(page.getByRole('columnheader', { name: 'When' })).toBeVisible();
      await expectNoSeriousA11yViolations(page, 'audit');

      await page.getByTestId('zone-select').selectOption('utc');
      await expect(page.locator('[data-testid^="audit-row-"]').first()).toContainText(UTC);
    });
  });
}
