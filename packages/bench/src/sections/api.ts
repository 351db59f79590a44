/** 6. API: the grid endpoint, timed from a client over HTTP. */
import { latencySummary, spread, type LatencySummary, type Spread } from '../stats';
import type { Stack } from '../stack';
import { taskId } from '../dag-files';

export interface GridResult {
  path: string;
  runs: number;
  tasks: number;
  requestsPerRep: number;
  reps: LatencySummary[];
  p50: Spread;
  p95: Spread;
}

/** Gives `dagId` `runs` daily runs ending in success, each with `tasks` successful task instances (t00000…), straight in SQL. */
export async function seedGridRuns(stack: Stack, dagId: string, runs: number, tasks: number): Promise<void> {
  const ids = Array.from({ length: tasks }, (_, i) => taskId(i));
  await stack.db.pool.query(
    `INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end, state, dag_version_id, queued_at, started_at, ended_at)
     SELECT d.dag_id, 'scheduled__' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), 'scheduled', ts, ts, ts + interval '1 day', 'success',
            d.current_version_id, ts + interval '1 day', ts + interval '1 day', ts + interval '1 day 10 minutes'
     FROM dag d, generate_series(1, $2::int) AS g(n), LATERAL (SELECT timestamptz '2025-01-01 00:00Z' + (g.n - 1) * interval '1 day' AS ts) t
     WHERE d.dag_id = $1`,
    [dagId, runs],
  );
  await stack.db.pool.query(
    `INSERT INTO task_instance (dag_run_id, dag_id, task_id, state, try_number, max_tries, operator, started_at, ended_at, duration_ms)
     SELECT r.id, r.dag_id, t.task_id, 'success', 1, 1, 'fn', r.started_at, r.ended_at, 600000
     FROM dag_run r CROSS JOIN unnest($2::text[]) AS t(task_id) WHERE r.dag_id = $1`,
    [dagId, ids],
  );
}

export async function measureGrid(
  stack: Stack,
  opts: { dagId: string; limit: number; requests: number; reps: number },
): Promise<GridResult> {
  const url = `${stack.apiUrl}/api/v1/dags/${encodeURIComponent(opts.dagId)}/grid?limit=${opts.limit}`;
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(url);
    const body = (await res.json()) as { tasks?: unknown[]; runs?: Array<{ states: Record<string, string> }> };
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return { ms, body };
  };
  const first = await get();
  const runs = first.body.runs?.length ?? 0;
  const tasks = first.body.tasks?.length ?? 0;
  for (let i = 0; i < 2; i++) await get();
  const reps: LatencySummary[] = [];
  for (let r = 0; r < opts.reps; r++) {
    const samples: number[] = [];
    for (let i = 0; i < opts.requests; i++) samples.push((await get()).ms);
    reps.push(latencySummary(samples));
  }
  return {
    path: url.replace(stack.apiUrl, ''),
    runs,
    tasks,
    requestsPerRep: opts.requests,
    reps,
    p50: spread(reps.map((r) => r.p50)),
    p95: spread(reps.map((r) => r.p95)),
  };
}
