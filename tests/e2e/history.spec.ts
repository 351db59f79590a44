/**
 * The run page's Gantt, notes, log tools and job panel, the graph of any
 * run, a DAG's history (task times, calendar) and its code, at a desktop
 * and a narrow width, each page scanned by axe. With SLUICE_UI_SCREENSHOTS
 * set, the wide pass saves the pictures docs/ui.md shows.
 */
import { type Page, expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './axe';
import { screenshotForDocs as screenshot, signIn } from './helpers';
import { readRun, triggerRun } from './runs-api';
import { E2E_USERS } from './users';

const DAG = 'e2e_history';
const LONG_TASK = 'load_the_rows_into_the_warehouse_and_refresh_the_reports';

/** Finished runs of e2e_history made by this file, oldest first; made once, shared by both widths. */
const runs: string[] = [];
/** The run of e2e_aws, made once. */
let awsRun: string | undefined;

async function finishedRun(page: Page, count = 1): Promise<string[]> {
  while (runs.length < count) {
    const runId = await triggerRun(page, DAG);
    await expect.poll(async () => (await readRun(page, DAG, runId)).state, { timeout: 30_000 }).toBe('success');
    runs.push(runId);
  }
  return runs;
}

const runUrl = (runId: string, task?: string) =>
  `/dags/${DAG}/runs/${encodeURIComponent(runId)}${task ? `?task=${encodeURIComponent(task)}` : ''}`;

for (const width of [1400, 800]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test('the run page draws each try of a retried task in the Gantt, with the wait before the retry', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      const [runId = ''] = await finishedRun(page);
      await page.goto(runUrl(runId));
      const flaky = page.getByTestId('gantt-row-flaky_extract');
      await expect(flaky.getByTestId('gantt-try-flaky_extract-1')).toHaveAttribute('data-state', 'up_for_retry');
      await expect(flaky.getByTestId('gantt-try-flaky_extract-2')).toHaveAttribute('data-state', 'success');
      await expect(flaky.getByTestId('gantt-queued-flaky_extract-2')).toBeVisible();
      // A bar opens its try below.
      await flaky.getByTestId('gantt-try-flaky_extract-1').click();
      await expect(page).toHaveURL(/task=flaky_extract&try=1/);
      await expect(page.getByTestId('log-view')).toContainText('the first try fails');
      await expectNoSeriousA11yViolations(page);
    });

    test('an operator leaves a note on the run and on a task; it shows who wrote it', async ({ page }) => {
      await signIn(page, E2E_USERS.operator);
      const [runId = ''] = await finishedRun(page);
      await page.goto(runUrl(runId, 'flaky_extract'));
      const text = `upstream late (${width})`;
      await page.getByTestId('note-run-edit').click();
      await page.getByTestId('note-run-input').fill(text);
      await page.getByTestId('note-run-save').click();
      await expect(page.getByTestId('note-run-text')).toHaveText(text);
      await expect(page.getByTestId('note-run-byline')).toContainText('e2e-operator');
      await page.getByTestId('note-task-flaky_extract-edit').click();
      await page.getByTestId('note-task-flaky_extract-input').fill('S3 throttled the first try');
      await page.getByTestId('note-task-flaky_extract-save').click();
      await expect(page.getByTestId('note-task-flaky_extract-text')).toHaveText('S3 throttled the first try');
      await page.reload();
      await expect(page.getByTestId('note-run-text')).toHaveText(text);
      await screenshot(page, width, 'run-page');
    });

    test('a viewer reads notes but may not write them', async ({ page }) => {
      await signIn(page, E2E_USERS.operator);
      const [runId = ''] = await finishedRun(page);
      await page
        .getByTestId('user-menu')
        .click()
        .catch(() => undefined);
      await page.context().clearCookies();
      await signIn(page, E2E_USERS.viewer, runUrl(runId));
      await expect(page.getByTestId('run-notes')).toBeVisible();
      await expect(page.getByTestId('note-run-edit')).toBeDisabled();
    });

    test('the log finds text, steps through matches, wraps, jumps to the first error and downloads', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      const [runId = ''] = await finishedRun(page);
      await page.goto(runUrl(runId, LONG_TASK));
      const log = page.getByTestId('log-view');
      await expect(log).toContainText('row 5 loaded');
      await page.getByTestId('log-search').fill('LOADED');
      await expect(page.getByTestId('log-search-count')).toHaveText(/^1 of \d+$/);
      await expect(log.locator('mark')).not.toHaveCount(0);
      await expect(log.locator('mark.is-current')).toHaveCount(1);
      await page.getByTestId('log-search-next').click();
      await expect(page.getByTestId('log-search-count')).toHaveText(/^2 of \d+$/);
      await page.getByTestId('log-search-previous').click();
      await page.getByTestId('log-search-previous').click();
      await expect(page.getByTestId('log-search-count')).toHaveText(/^(\d+) of \1$/);

      await page.getByTestId('log-wrap').uncheck();
      await expect(log).toHaveAttribute('data-wrap', 'false');
      await page.getByTestId('log-first-error').click();
      await expect(page.getByTestId('log-error-target')).toContainText('ERROR: row 6 rejected');
      await expect(page.getByTestId('log-error-target')).toBeInViewport();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-download').click()]);
      expect(download.suggestedFilename()).toMatch(/_try1\.log$/);
      const body = await download.createReadStream().then(async (stream) => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(Buffer.from(chunk));
        return Buffer.concat(chunks).toString('utf8');
      });
      expect(body).toContain('row 1 loaded');
      expect(body).toMatch(/\[stderr\] ERROR: row 6 rejected by the warehouse/);
      await expectNoSeriousA11yViolations(page);
    });

    test('the graph shows any run picked from the list, with long names cut and whole in the tooltip', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      const [older = '', newer = ''] = await finishedRun(page, 2);
      await page.goto(`/dags/${DAG}?view=graph`);
      const select = page.getByTestId('graph-run-select');
      await expect(select).toHaveValue(runs.at(-1) ?? newer);
      await select.selectOption(older);
      await expect(page).toHaveURL(new RegExp(`run=${encodeURIComponent(older).replace(/[+]/g, '\\+')}`));
      const node = page.getByTestId(`graph-node-${LONG_TASK}`);
      await expect(node).toHaveAttribute('data-state', 'success');
      await expect(node.locator('.graph-node-title')).toHaveText(/…$/);
      await expect(node.locator('title')).toContainText(LONG_TASK);
      const box = await node.locator('.graph-node-box').boundingBox();
      const label = await node.locator('.graph-node-title').boundingBox();
      expect(label && box && label.x + label.width <= box.x + box.width).toBe(true);
      await node.click();
      await expect(page).toHaveURL(new RegExp(`/runs/${encodeURIComponent(older).replace(/[+]/g, '\\+')}\\?task=`));
      await page.goto(`/dags/${DAG}?view=graph&run=${encodeURIComponent(older)}`);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, width, 'graph');
    });

    test('the history page charts task durations and landing times and shows the year by day', async ({ page }) => {
      await signIn(page, E2E_USERS.operator);
      const [runId = ''] = await finishedRun(page);
      await page.goto(`/dags/${DAG}`);
      await page.getByTestId('dag-history-link').click();
      await expect(page).toHaveURL(new RegExp(`/dags/${DAG}/history`));
      await expect(page.getByTestId('chart-duration-flaky_extract')).toBeVisible();
      await expect(page.getByTestId('chart-landing-flaky_extract')).toBeVisible();
      const run = await readRun(page, DAG, runId);
      const day = run.logicalDate.slice(0, 10);
      await expect(page.getByTestId(`calendar-day-${day}`)).toHaveAttribute('data-state', 'success');
      await page.getByTestId('calendar-previous').click();
      await expect(page).toHaveURL(/year=\d{4}/);
      await expect(page.locator('[data-testid^="calendar-day-"][data-state="success"]')).toHaveCount(0);
      await page.getByTestId('calendar-next').click();
      await expect(page.getByTestId(`calendar-day-${day}`)).toHaveAttribute('data-state', 'success');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, width, 'history');
    });

    test('the code page shows the source of the version a run used', async ({ page }) => {
      await signIn(page, E2E_USERS.operator);
      const [runId = ''] = await finishedRun(page);
      await page.goto(runUrl(runId));
      // Notes and the Gantt load on their own: click once the page has stopped moving.
      await expect(page.getByTestId('run-notes')).toBeVisible();
      await expect(page.getByTestId('gantt')).toBeVisible();
      await page.getByTestId('run-code-link').click();
      await expect(page).toHaveURL(/\/code\?version=[0-9a-f]+/);
      const code = page.getByTestId('code-view');
      await expect(code).toContainText("id: 'e2e_history'");
      await expect(code).toContainText('the first try fails');
      await expect(page.locator('[data-testid^="version-"].is-selected')).toContainText('current');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, width, 'code');
    });

    test('an EMR step and a Glue run show as labelled fields, and each check as a line of the log', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      awsRun ??= await (async () => {
        const runId = await triggerRun(page, 'e2e_aws');
        await expect
          .poll(async () => (await readRun(page, 'e2e_aws', runId)).state, { timeout: 45_000 })
          .toBe('failed');
        return runId;
      })();
      await page.goto(`/dags/e2e_aws/runs/${encodeURIComponent(awsRun)}?task=spark`);
      const panel = page.getByTestId('ti-external');
      await expect(panel).toContainText('EMR steps');
      await expect(page.getByTestId('ext-state')).toHaveText('FAILED');
      await expect(page.getByTestId('ext-cluster')).toHaveText(/^j-/);
      await expect(page.getByTestId('ext-steps')).toContainText('spark aggregate');
      await expect(page.getByTestId('ext-steps')).toContainText('OutOfMemory: Container killed by YARN');
      // No bookkeeping, and no console link for the emulator.
      await expect(panel).not.toContainText('phase');
      await expect(panel).not.toContainText('sluice-');
      await expect(page.getByTestId('ext-console')).toHaveCount(0);
      await expect(page.getByTestId('log-view')).toContainText(/step s-\S+ (PENDING|RUNNING), next check in \d+ s/);
      await expectNoSeriousA11yViolations(page);

      await page.goto(`/dags/e2e_aws/runs/${encodeURIComponent(awsRun)}?task=stats`);
      await expect(page.getByTestId('ext-state')).toHaveText('SUCCEEDED');
      await expect(page.getByTestId('ext-glue-run')).toHaveText(/^jr_/);
      await expect(page.getByTestId('ext-dpu-seconds')).toHaveText(/^\d+$/);
      await expect(page.getByTestId('ext-cost')).toContainText('per DPU-hour');
      await expect(page.getByTestId('log-view')).toContainText(
        /Glue run jr_\S+ (STARTING|RUNNING), next check in \d+ s/,
      );
      await screenshot(page, width, 'emr-glue');
    });
  });
}
