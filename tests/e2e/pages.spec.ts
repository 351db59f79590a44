/**
 * Every page of the UI at 1400 and 800 px wide: what it shows and does (the
 * browse pages' filters and paging, the grid's tries and live durations, the
 * trigger form, time zones, the theme, keyboard shortcuts), an axe scan with
 * no serious or critical violation, and no sideways scrolling of the page.
 * With SLUICE_UI_SCREENSHOTS=<folder> it saves a screenshot of each page
 * (1400 px) there: `npm run ui:screenshots` writes docs/ui/.
 */
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './axe';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

const shots = process.env.SLUICE_UI_SCREENSHOTS;

/** axe finds nothing serious, the page does not scroll sideways, and (once) its picture is taken. */
async function checkPage(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await expectNoSeriousA11yViolations(page, name);
  // What sticks out past the window's right edge (outside any frame that scrolls by itself).
  const sticksOut = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
      }
      return false;
    };
    return [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)
      .slice(0, 5);
  });
  expect(sticksOut, `${name} scrolls sideways`).toEqual([]);
  const width = page.viewportSize()?.width ?? 0;
  if (shots)
    await page.screenshot({ path: path.join(shots, `${name}${width < 1000 ? '-800' : ''}.png`), fullPage: true });
}

/** Triggers e2e_reload through its form and returns the new run's id. */
async function triggerReload(page: Page, conf: { day: string; seconds?: string }): Promise<string> {
  await page.goto('/dags/e2e_reload');
  await page.getByTestId('trigger-e2e_reload').click();
  await page.getByTestId('conf-field-day').fill(conf.day);
  if (conf.seconds) await page.getByTestId('conf-field-seconds').fill(conf.seconds);
  await page.getByTestId('trigger-confirm').click();
  const created = page.getByTestId('trigger-created');
  await expect(created).toBeVisible();
  return (await created.getByRole('link').textContent()) ?? '';
}

for (const width of [1400, 800]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test('the DAG list searches and sorts; / focuses search, g r goes to runs, ? lists the shortcuts', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();
      await page.keyboard.press('/');
      await expect(page.getByTestId('dag-search')).toBeFocused();
      await page.keyboard.type('reload');
      await expect(page.getByTestId('dag-row-e2e_reload')).toBeVisible();
      await expect(page.getByTestId('dag-row-e2e_pipeline')).toHaveCount(0);
      await page.getByTestId('dag-search').fill('');
      await page.getByTestId('dag-sort').selectOption('latest');
      await expect(page).toHaveURL(/sort=latest/);
      await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();
      await checkPage(page, 'dag-list');

      await page.locator('body').click({ position: { x: 5, y: 300 } });
      await page.keyboard.press('?');
      await expect(page.getByTestId('shortcuts-help')).toBeVisible();
      await checkPage(page, 'shortcuts');
      await page.keyboard.press('Escape');
      await page.keyboard.press('g');
      await page.keyboard.press('r');
      await expect(page).toHaveURL(/\/runs$/);
      await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
    });

    test('the trigger form refuses a bad day beside its field, then triggers; the grid shows tries, a live duration and the true count', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      await page.goto('/dags/e2e_reload');
      await expect(page.getByRole('heading', { name: 'e2e_reload' })).toBeVisible();
      await page.keyboard.press('t');
      await expect(page.getByTestId('trigger-dialog')).toBeVisible();
      await expect(page.getByText('the day to reload, YYYY-MM-DD')).toBeVisible();
      await expect(page.getByTestId('conf-field-mode')).toHaveValue('overwrite');
      await page.getByTestId('conf-field-day').fill('yesterday');
      await page.getByTestId('trigger-confirm').click();
      await expect(page.getByTestId('conf-field-day-error')).toBeVisible();
      await checkPage(page, 'trigger-form');
      await page.getByTestId('conf-field-day').fill('2026-11-20');
      await page.getByTestId('conf-field-seconds').fill('8');
      await page.getByTestId('trigger-confirm').click();
      await expect(page.getByTestId('conf-field-day-error')).toHaveCount(0);
      const created = page.getByTestId('trigger-created');
      await expect(created).toBeVisible();
      const runId = (await created.getByRole('link').textContent()) ?? '';

      // The first task failed once and succeeded on its retry: its cell says 2 tries.
      const plan = page.getByTestId(`grid-cell-plan-${runId}`);
      await expect(plan).toHaveAttribute('data-state', 'success', { timeout: 20_000 });
      await expect(plan).toHaveAttribute('data-tries', '2');
      await expect(plan).toHaveClass(/is-retried/);
      // The load runs for 8 s: its tooltip's duration ticks while it runs.
      const load = page.getByTestId(`grid-cell-load-${runId}`);
      await expect(load).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
      await load.hover();
      const tip = page.getByRole('tooltip');
      await expect(tip).toContainText('so far');
      const first = await tip.textContent();
      await expect.poll(() => tip.textContent(), { timeout: 5_000 }).not.toBe(first);
      await expect(page.getByTestId('grid-count')).toContainText(/showing \d+ of \d+ runs/);
      await expect(page.getByTestId('next-run')).toBeVisible();
      await checkPage(page, 'dag-grid');
      await expect(load).toHaveAttribute('data-state', 'success', { timeout: 20_000 });
    });

    test('the runs page filters by state, type and date, sorts, and counts', async ({ page }) => {
      await signIn(page, E2E_USERS.operator);
      const runId = await triggerReload(page, { day: '2026-11-21' });
      await page.goto('/runs');
      const row = page.getByTestId(`runs-row-e2e_reload-${runId}`);
      await expect(row).toBeVisible();
      await expect(page.getByTestId('runs-count')).toContainText(/showing \d+ of \d+ runs/);
      await expect(row).toHaveAttribute('data-state', 'success', { timeout: 20_000 });

      await page.getByTestId('runs-filter-state').selectOption('success');
      await page.getByTestId('runs-filter-type').selectOption('manual');
      await expect(page).toHaveURL(/state=success/);
      await expect(row).toBeVisible();
      for (const state of await page
        .locator('[data-testid^="runs-row-"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))) {
        expect(state).toBe('success');
      }
      // e2e_daily's scheduled run may be there; the manual run is not.
      await page.getByTestId('runs-filter-type').selectOption('scheduled');
      await expect(page).toHaveURL(/type=scheduled/);
      await expect(row).toHaveCount(0);
      await page.getByTestId('runs-filter-type').selectOption('');
      // Manual runs' logical dates are when they were triggered: a range that ended yesterday has none of today's.
      await page.getByTestId('runs-filter-to').fill('2020-01-01');
      await expect(page.getByText('No run matches these filters.')).toBeVisible();
      await page.getByTestId('runs-filter-to').fill('');
      await page.getByTestId('runs-sort').selectOption('oldest');
      await expect(page).toHaveURL(/order=oldest/);
      await expect(row).toBeVisible();
      await checkPage(page, 'runs');

      await page.goto('/dags/e2e_reload/runs');
      await expect(page.getByRole('heading', { name: 'Runs of e2e_reload' })).toBeVisible();
      await expect(row).toBeVisible();
    });

    test('the task-instance page filters by DAG, task and state across DAGs', async ({ page }) => {
      await signIn(page, E2E_USERS.operator);
      const runId = await triggerReload(page, { day: '2026-11-22' });
      await page.goto('/task-instances');
      await expect(page.getByTestId('ti-count')).toBeVisible();
      await page.getByTestId('ti-filter-dag').selectOption('e2e_reload');
      await page.getByTestId('ti-filter-task').fill('plan');
      await page.getByTestId('ti-filter-task').press('Enter');
      await expect(page).toHaveURL(/taskId=plan/);
      const row = page.getByTestId(`ti-list-row-e2e_reload-${runId}-plan`);
      await expect(row).toHaveAttribute('data-state', 'success', { timeout: 20_000 });
      await expect(row).toContainText('2/2');
      await page.getByTestId('ti-filter-state').selectOption('failed');
      await expect(page.getByText('No task instance matches these filters.')).toBeVisible();
      await page.getByTestId('ti-filter-state').selectOption('success');
      await expect(row).toBeVisible();
      await checkPage(page, 'task-instances');

      await row.getByRole('link', { name: 'plan' }).click();
      await expect(page.getByTestId('ti-panel')).toBeVisible();
      await expect(page.getByTestId('log-view')).toHaveAttribute('data-complete', 'true', { timeout: 10_000 });
      await checkPage(page, 'run');
    });

    test("times follow the zone picked (the DAG's, UTC or the browser's), kept after a reload; the theme switch goes dark", async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      await page.goto('/dags/e2e_reload');
      await page.getByTestId('zone-select').selectOption('dag');
      await expect(page.getByText('Times in Europe/Copenhagen.')).toBeVisible();
      await page.getByTestId('zone-select').selectOption('utc');
      await expect(page.getByText('Times in UTC.')).toBeVisible();
      await page.reload();
      await expect(page.getByText('Times in UTC.')).toBeVisible();
      await expect(page.getByTestId('zone-select')).toHaveValue('utc');
      await page.getByTestId('zone-select').selectOption('dag');

      await page.getByTestId('theme-toggle').click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
      await expect(page.getByTestId('theme-toggle')).toHaveAccessibleName(/Theme: dark/);
      await checkPage(page, 'dag-grid-dark');
      await page.getByTestId('theme-toggle').click();
      await page.getByTestId('theme-toggle').click();
      await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
    });

    test('the asset pages, a DAG waiting on an asset, an asset-triggered run and a mapped task pass the same checks', async ({
      page,
    }) => {
      const uri = 's3://e2e-lake/orders/';
      await signIn(page, E2E_USERS.operator, '/dags/e2e_asset_producer');
      await page.goto('/dags/e2e_asset_producer');
      await page.getByTestId('trigger-e2e_asset_producer').click();
      await page.getByTestId('trigger-confirm').click();
      const producerRun = (await page.getByTestId('trigger-created').getByRole('link').textContent()) ?? '';
      await expect(page.getByTestId(`grid-cell-publish-${producerRun}`)).toHaveAttribute('data-state', 'success', {
        timeout: 20_000,
      });
      await checkPage(page, 'dag-outlets');

      await page.goto('/assets');
      await expect(page.getByTestId(`asset-row-${uri}`)).toBeVisible();
      await checkPage(page, 'assets');
      await page.goto(`/assets/${encodeURIComponent(uri)}`);
      const event = page.locator('[data-testid^="asset-event-"]', { hasText: `publish in ${producerRun}` });
      const triggered = event.getByTestId('event-run-e2e_asset_consumer');
      await expect(triggered).toBeVisible({ timeout: 20_000 });
      await checkPage(page, 'asset');
      await triggered.click();
      await expect(page.getByTestId('triggering-events')).toBeVisible();
      await checkPage(page, 'run-asset-triggered');
      await page.goto('/dags/e2e_asset_consumer');
      await expect(page.getByTestId('asset-schedule')).toBeVisible();
      await checkPage(page, 'dag-asset-schedule');

      await page.goto('/dags/e2e_mapping');
      await page.getByTestId('trigger-e2e_mapping').click();
      await page.getByTestId('trigger-confirm').click();
      const mappedRun = (await page.getByTestId('trigger-created').getByRole('link').textContent()) ?? '';
      await expect(page.getByTestId(`grid-cell-load-${mappedRun}`)).toHaveAttribute('data-state', 'failed', {
        timeout: 30_000,
      });
      await page.getByTestId('grid-mapped-load').click();
      await expect(page.getByTestId(`grid-cell-load[3]-${mappedRun}`)).toBeVisible();
      await checkPage(page, 'dag-grid-mapped');
      await page.getByTestId(`grid-cell-load[2]-${mappedRun}`).click();
      await expect(page.getByTestId('mapped-load')).toBeVisible();
      await expect(page.getByTestId('log-view')).toHaveAttribute('data-complete', 'true', { timeout: 10_000 });
      await checkPage(page, 'run-mapped');
    });

    test('the other pages pass the same checks', async ({ page }) => {
      await page.goto('/login');
      await expect(page.getByTestId('login-form')).toBeVisible();
      await checkPage(page, 'login');
      await signIn(page, E2E_USERS.admin, '/variables');
      for (const [pathname, name, heading] of [
        ['/variables', 'variables', 'Variables'],
        ['/audit', 'audit', 'Audit log'],
        ['/tokens', 'tokens', 'API tokens'],
        ['/users', 'users', 'Users'],
      ] as const) {
        await page.goto(pathname);
        await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
        await checkPage(page, name);
      }
    });
  });
}
