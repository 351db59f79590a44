/**
 * Assets in the browser against a real Sluice: a producer's run makes an
 * event, the asset page shows it with the run it came from and the
 * consumer's run it triggered, that run names the event; an operator records
 * an event from the page (bad metadata refused beside the field), a viewer
 * is not offered to.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

const URI = 's3://e2e-lake/orders/';
const assetUrl = `/assets/${encodeURIComponent(URI)}`;

test("a producer's run makes an event; the asset page shows it and the consumer's run it triggered", async ({
  page,
}) => {
  await signIn(page, E2E_USERS.operator, '/dags/e2e_asset_producer');
  await page.goto('/dags/e2e_asset_producer');
  await expect(page.getByTestId(`outlet-publish-${URI}`)).toContainText('which triggers e2e_asset_consumer');
  await page.getByTestId('trigger-e2e_asset_producer').click();
  await page.getByTestId('trigger-confirm').click();
  const runId = (await page.getByTestId('trigger-created').getByRole('link').textContent()) ?? '';
  await expect(page.getByTestId(`grid-cell-publish-${runId}`)).toHaveAttribute('data-state', 'success', {
    timeout: 20_000,
  });

  await page.getByRole('link', { name: 'Assets' }).click();
  const row = page.getByTestId(`asset-row-${URI}`);
  await expect(row).toContainText('e2e_asset_producer');
  await expect(row).toContainText('e2e_asset_consumer');
  await row.getByRole('link', { name: URI }).click();
  await expect(page.getByRole('heading', { name: URI })).toBeVisible();
  const event = page.locator('[data-testid^="asset-event-"]', { hasText: `publish in ${runId}` });
  await expect(event).toContainText('{"day":"2026-12-01","rows":42}');
  // The consumer's asset-triggered run, created for this event.
  const triggered = event.getByTestId('event-run-e2e_asset_consumer');
  await expect(triggered).toBeVisible({ timeout: 20_000 });
  await triggered.click();
  await expect(page.getByTestId('triggering-events')).toBeVisible();
  const cause = page.getByTestId(`triggering-event-${URI}`);
  await expect(cause).toContainText(`publish in ${runId}`);
  await cause.getByRole('link', { name: `publish in ${runId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/dags/e2e_asset_producer/runs/${encodeURIComponent(runId)}`));

  await page.goto('/dags/e2e_asset_consumer');
  await expect(page.getByTestId('asset-schedule')).toContainText(URI);
  await expect(page.getByTestId(`asset-wait-${URI}`)).toBeVisible();
});

test('an operator records an event from the asset page; bad metadata is refused beside the field', async ({ page }) => {
  await signIn(page, E2E_USERS.operator, assetUrl);
  await page.goto(assetUrl);
  const field = page.getByTestId('record-event-extra');
  await field.fill('{"day": ');
  await page.getByTestId('record-event-submit').click();
  await expect(page.getByTestId('record-event-field-error')).toContainText('Not JSON');
  await field.fill('{"day": "2026-12-05", "source": "partner drop"}');
  await page.getByTestId('record-event-submit').click();
  await expect(page.getByTestId('record-event-done')).toContainText('queued for e2e_asset_consumer');
  const posted = page.locator('[data-testid^="asset-event-"]', { hasText: 'posted by e2e-operator' }).first();
  await expect(posted).toContainText('"source":"partner drop"');
  // The consumer runs for it.
  await expect(posted.getByTestId('event-run-e2e_asset_consumer')).toBeVisible({ timeout: 20_000 });
});

test('a viewer sees the asset but no way to record an event', async ({ page }) => {
  await signIn(page, E2E_USERS.viewer, assetUrl);
  await page.goto(assetUrl);
  await expect(page.getByRole('heading', { name: URI })).toBeVisible();
  await expect(page.getByTestId('asset-producers')).toContainText('e2e_asset_producer');
  await expect(page.getByTestId('record-event-form')).toHaveCount(0);
});
