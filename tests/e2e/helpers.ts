import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Page, expect } from '@playwright/test';
import type { E2eUser } from './users';

/** Signs in on the sign-in page as `user` and waits for the signed-in app. */
export async function signIn(page: Page, user: E2eUser, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/login/);
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-name')).toHaveText(user.username);
}

/** A short random suffix, so names a test makes never clash with another run's. */
export function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

const docsUi = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/ui');

/** With SLUICE_UI_SCREENSHOTS set, saves the page at 1400 px as docs/ui/<name>.png, the picture docs/ui.md shows. */
export async function screenshotForDocs(page: Page, width: number, name: string): Promise<void> {
  if (!process.env.SLUICE_UI_SCREENSHOTS || width !== 1400) return;
  await page.screenshot({ path: path.join(docsUi, `${name}.png`), fullPage: true });
}
