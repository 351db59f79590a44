/**
 * DAG files changed while Sluice runs, at 1400 and 800 px with the axe scan:
 * a changed file becomes a new version whose diff against the one before
 * the code page shows, and a broken file shows in the DAG list's banner and
 * on its own DAG page without a reload, and leaves both when it is fixed.
 * The test writes to the copy of tests/e2e/dags the e2e Sluice reads.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './axe';
import { e2eDagsFolder } from './dags-folder';
import { screenshotForDocs, signIn } from './helpers';
import { E2E_USERS } from './users';

const file = path.join(e2eDagsFolder(Number(process.env.SLUICE_E2E_PORT ?? 8091)), 'e2e_edit.ts');
/** The scheduler re-reads the folder every half second; a loaded machine gets room. */
const RELOADED_WITHIN_MS = 20_000;

/** e2e_edit's version hashes, newest first, as the API lists them now. */
async function versionHashes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const res = await fetch('/api/v1/dags/e2e_edit/versions');
    return ((await res.json()) as { items: Array<{ hash: string }> }).items.map((v) => v.hash);
  });
}

for (const width of [1400, 800]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test('a changed DAG file becomes a new version, and the code page shows the lines added and removed', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator, '/dags/e2e_edit');
      const before = await versionHashes(page);
      const source = readFileSync(file, 'utf8');
      const oldDescription = /description: '[^']*'/.exec(source)?.[0] ?? '';
      expect(oldDescription).not.toBe('');
      writeFileSync(
        file,
        `${source.replace(oldDescription, `description: 'changed at ${width} px'`)}\nedit.task('publish_${width}', fn(async () => 1));\n`,
      );
      await expect
        .poll(async () => (await versionHashes(page))[0], { timeout: RELOADED_WITHIN_MS })
        .not.toBe(before[0]);

      await page.goto('/dags/e2e_edit/code');
      await page.getByTestId(`compare-${before[0]}`).click();
      const code = page.getByTestId('code-view');
      await expect(code.locator('[data-change="added"]')).toContainText([`changed at ${width} px`, `publish_${width}`]);
      await expect(code.locator('[data-change="removed"]')).toContainText([oldDescription]);
      await expectNoSeriousA11yViolations(page, 'version diff');
    });

    test('a broken DAG file shows in the banner and on its DAG page without a reload, and leaves when fixed', async ({
      page,
    }) => {
      await signIn(page, E2E_USERS.operator);
      await expect(page.getByTestId('dag-row-e2e_edit')).toBeVisible();
      const good = readFileSync(file, 'utf8');
      try {
        writeFileSync(file, `${good}\nthrow new Error('the partner feed moved');\n`);
        const banner = page.getByTestId('import-errors');
        await expect(banner).toContainText('e2e_edit.ts', { timeout: RELOADED_WITHIN_MS });
        await expect(banner).toContainText('the partner feed moved');
        await expectNoSeriousA11yViolations(page, 'DAG list with an import error');

        await page.getByTestId('dag-row-e2e_edit').getByRole('link', { name: 'e2e_edit' }).click();
        const warning = page.getByTestId('dag-file-error');
        await expect(warning).toContainText('e2e_edit.ts failed to load');
        await expect(warning).toContainText('the partner feed moved');
        await expectNoSeriousA11yViolations(page, 'DAG page of a broken file');
        await screenshotForDocs(page, width, 'broken-dag-warning');
      } finally {
        writeFileSync(file, good);
      }
      await expect(page.getByTestId('dag-file-error')).toHaveCount(0, { timeout: RELOADED_WITHIN_MS });
    });
  });
}
