import type { Page } from '@playwright/test';
import type { RunDetail } from '@sluice/client';

/** Triggers a run as the signed-in user, through the page's own session and CSRF token. */
export async function triggerRun(page: Page, dagId: string): Promise<string> {
  return page.evaluate(async (dag) => {
    const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
    const res = await fetch(`/api/v1/dags/${dag}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      body: '{}',
    });
    if (res.status !== 201) throw new Error(`trigger ${dag}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { runId: string }).runId;
  }, dagId);
}

/** The run as the API answers it now. */
export async function readRun(page: Page, dagId: string, runId: string): Promise<RunDetail> {
  return page.evaluate(
    async ([dag, run]) =>
      (await (await fetch(`/api/v1/dags/${dag}/runs/${encodeURIComponent(run ?? '')}`)).json()) as RunDetail,
    [dagId, runId],
  );
}
