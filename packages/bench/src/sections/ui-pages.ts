/**
 * 8. UI pages: the API time behind the DAG page's first paint and the runs
 * page, with 500 runs of a 50-task DAG in the database. Each sample is the
 * page's requests sent together, as the browser sends them, timed until the
 * last answer is read.
 */
import { latencySummary, spread, type LatencySummary, type Spread } from '../stats';
import type { Stack } from '../stack';

/** The requests each page makes before it can show anything. */
export function uiPagePaths(dagId: string): Record<string, string[]> {
  const dag = encodeURIComponent(dagId);
  return {
    // The app shell's who-am-I and health, the DAG, and its grid of the last 25 runs.
    'DAG page first paint': [
      '/api/v1/auth/me',
      '/api/v1/health',
      `/api/v1/dags/${dag}`,
      `/api/v1/dags/${dag}/grid?limit=25`,
    ],
    'runs page (all DAGs)': ['/api/v1/auth/me', '/api/v1/health', '/api/v1/runs?limit=25'],
    'runs page (the DAG, failed)': [
      '/api/v1/auth/me',
      '/api/v1/health',
      `/api/v1/dags/${dag}`,
      `/api/v1/runs?dagId=${dag}&state=failed&limit=25`,
    ],
    'task instances page': ['/api/v1/auth/me', '/api/v1/health', '/api/v1/task-instances?limit=50'],
  };
}

export interface UiPageResult {
  page: string;
  paths: string[];
  requestsPerRep: number;
  reps: LatencySummary[];
  p50: Spread;
  p95: Spread;
}

export interface UiPagesResult {
  dagId: string;
  runs: number;
  tasks: number;
  pages: UiPageResult[];
}

async function timePage(apiUrl: string, paths: string[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    paths.map(async (p) => {
      const res = await fetch(`${apiUrl}${p}`);
      await res.arrayBuffer();
      // Health answers 503 with its reasons when a component is stale: still an answer the page shows.
      if (res.status !== 200 && !(p === '/api/v1/health' && res.status === 503)) {
        throw new Error(`GET ${p}: HTTP ${res.status}`);
      }
    }),
  );
  return performance.now() - t0;
}

export async function measureUiPages(
  stack: Stack,
  opts: { dagId: string; runs: number; tasks: number; requests: number; reps: number },
): Promise<UiPagesResult> {
  const pages: UiPageResult[] = [];
  for (const [page, paths] of Object.entries(uiPagePaths(opts.dagId))) {
    for (let i = 0; i < 3; i++) await timePage(stack.apiUrl, paths);
    const reps: LatencySummary[] = [];
    for (let r = 0; r < opts.reps; r++) {
      const samples: number[] = [];
      for (let i = 0; i < opts.requests; i++) samples.push(await timePage(stack.apiUrl, paths));
      reps.push(latencySummary(samples));
    }
    pages.push({
      page,
      paths,
      requestsPerRep: opts.requests,
      reps,
      p50: spread(reps.map((r) => r.p50)),
      p95: spread(reps.map((r) => r.p95)),
    });
  }
  return { dagId: opts.dagId, runs: opts.runs, tasks: opts.tasks, pages };
}
