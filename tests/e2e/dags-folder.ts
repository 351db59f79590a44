import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The checked-in DAGs the e2e Sluice starts from; tests never write here. */
export const E2E_DAGS_SOURCE = path.join(here, 'dags');

/**
 * The copy of them the e2e Sluice on `port` reads, which tests change while
 * it runs (a new version, a broken file). Inside the repository so the
 * files' imports of @sluice/sdk resolve as they do from dags/.
 */
export function e2eDagsFolder(port: number): string {
  return path.join(here, `.dags-${port}`);
}
