import AxeBuilder from '@axe-core/playwright';
import { type Page, expect } from '@playwright/test';

/** Scans the page as it is now and fails on any serious or critical accessibility violation, naming each. */
export async function expectNoSeriousA11yViolations(page: Page, name = page.url()): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${name}`).toEqual([]);
}
