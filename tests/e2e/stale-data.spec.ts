/**
 * A stopped API (its process SIGSTOPped: it holds its connections and
 * answers nothing) shows in the header within a bound and in a banner over
 * the last data, which stays; let go on (SIGCONT), both clear by themselves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './axe';

const here = path.dirname(fileURLToPath(import.meta.url));
// The main e2e Sluice uses the port and the next one; this one takes the one after.
const port = Number(process.env.SLUICE_E2E_PORT ?? 8091) + 2;
const base = `http://127.0.0.1:${port}`;
/** Health polls every 5 s and a request waiting 3 s makes the API "not answering": 8 s, and room for a slow CI. */
const NOTICED_WITHIN_MS = 12_000;

let child: ChildProcess;

test.beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'api-process.ts'), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`api-process exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
});

test.afterAll(async () => {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGCONT');
  process.kill(child.pid, 'SIGTERM');
  await exited;
});

test('the header leaves "ok" soon after the API stops answering, the last data stays under a banner, and both recover', async ({
  page,
}) => {
  const pid = child.pid;
  if (pid === undefined) throw new Error('api-process has no pid');
  await page.goto(`${base}/`);
  const health = page.getByTestId('health');
  await expect(health).toHaveAttribute('data-tone', 'ok', { timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'DAGs' })).toBeVisible();
  await expect(page.getByTestId('freshness')).toContainText('updated');

  process.kill(pid, 'SIGSTOP');
  const stoppedAt = Date.now();
  await expect(health).not.toHaveAttribute('data-tone', 'ok', { timeout: NOTICED_WITHIN_MS });
  const noticedMs = Date.now() - stoppedAt;
  await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: NOTICED_WITHIN_MS });
  await expect(page.getByTestId('stale-banner')).toContainText('Showing what it said');
  // The page keeps what it had instead of an error page.
  await expect(page.getByRole('heading', { name: 'DAGs' })).toBeVisible();
  await expect(page.locator('.table-wrap')).toBeVisible();
  test.info().annotations.push({ type: 'noticed after', description: `${noticedMs} ms` });

  process.kill(pid, 'SIGCONT');
  await expect(health).toHaveAttribute('data-tone', 'ok', { timeout: 20_000 });
  await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 20_000 });
});

for (const width of [1400, 800]) {
  test(`at ${width} px, the run page keeps the run it had loaded while the API is stopped, under the banner, and recovers`, async ({
    page,
    request,
  }) => {
    await page.setViewportSize({ width, height: 900 });
    const pid = child.pid;
    if (pid === undefined) throw new Error('api-process has no pid');
    // The scheduler loads the DAG on its first beat; until then the trigger is refused.
    let runId = '';
    await expect
      .poll(
        async () => {
          const res = await request.post(`${base}/api/v1/dags/e2e_pipeline/runs`, { data: {} });
          if (res.status() === 201) runId = ((await res.json()) as { runId: string }).runId;
          return res.status();
        },
        { timeout: 20_000 },
      )
      .toBe(201);
    await page.goto(`${base}/dags/e2e_pipeline/runs/${encodeURIComponent(runId)}?task=load`);
    await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'success', { timeout: 30_000 });
    await expect(page.getByTestId('log-view')).toContainText('loaded');
    await expect(page.getByTestId('health')).toHaveAttribute('data-tone', 'ok', { timeout: 15_000 });

    process.kill(pid, 'SIGSTOP');
    await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: NOTICED_WITHIN_MS });
    // What the page had stays: the run, its task instances, the selected task's log.
    await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'success');
    await expect(page.getByTestId('run-summary')).toBeVisible();
    await expect(page.getByTestId('ti-row-transform')).toHaveAttribute('data-state', 'success');
    await expect(page.getByTestId('log-view')).toContainText('loaded');
    await expectNoSeriousA11yViolations(page, 'run page with the API stopped');

    process.kill(pid, 'SIGCONT');
    await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'success');
  });
}
