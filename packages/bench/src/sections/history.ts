/**
 * 7. History: the API and the scheduler after a year of runs, against the
 * same Sluice with an empty history, in one run. The DAGs first run for
 * real (which also gives bytes per task instance as Sluice writes them),
 * then everything is measured, then the history is seeded by SQL,
 * VACUUM ANALYZEd (Postgres here runs with autovacuum off; production's
 * autovacuum would have done the same) and everything is measured again.
 */
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { encodeRunCursor } from '@sluice/db';
import { openEngine, schedulerPass } from '@sluice/engine';
import { latencySummary, median, ratio } from '../stats';
import { REDIS_URL, type Stack } from '../stack';
import { waitUntil } from '../wait';
import { HISTORY_TASKS, countTaskInstances, historyBytes, historyDagId, seedHistory } from './history-seed';

export interface HistorySize {
  dags: number;
  /** Runs seeded across all DAGs. */
  runs: number;
  /** Manual runs per DAG run for real before anything is measured. */
  liveRunsPerDag: number;
  requests: number;
  passes: number;
  idleSeconds: number;
}

export interface Latency {
  p50: number;
  p95: number;
}

/** One state of the database: every endpoint, the scheduler pass, idle Postgres CPU. */
export interface HistoryMeasure {
  runs: number;
  taskInstances: number;
  endpoints: Record<string, Latency>;
  schedulerPass: Latency;
  /** CPU of the stack's own Postgres backends while Sluice is idle, % of one core. */
  idlePostgresCpuPct: number | null;
}

export interface HistoryResult {
  size: HistorySize;
  /** Bytes on disk of the history tables per task instance, as the live runs wrote them (no VACUUM). */
  bytesPerTi: number;
  /** The same over the whole seeded history, after VACUUM. */
  seededBytesPerTi: number;
  seedSeconds: number;
  empty: HistoryMeasure;
  full: HistoryMeasure;
  /** full ÷ empty p50, per endpoint and for the scheduler pass. */
  ratios: Record<string, number | null>;
}

const summary = (samples: number[]): Latency => {
  const s = latencySummary(samples);
  return { p50: round(s.p50), p95: round(s.p95) };
};
const round = (n: number) => Math.round(n * 10) / 10;

async function timeGet(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return performance.now() - t0;
}

/** The API paths measured, for the first DAG: a deep page starts halfway down its runs. */
async function endpointPaths(stack: Stack): Promise<Record<string, string>> {
  const dagId = historyDagId(0);
  const runs = await stack.db.pool.query<{ logical_date: Date; queued_at: Date; id: string; run_id: string }>(
    `SELECT logical_date, queued_at, id, run_id FROM dag_run WHERE dag_id = $1
     ORDER BY logical_date DESC, queued_at DESC, id DESC OFFSET (SELECT count(*) / 2 FROM dag_run WHERE dag_id = $1) LIMIT 1`,
    [dagId],
  );
  const deep = runs.rows[0];
  if (!deep) throw new Error(`${dagId} has no runs`);
  const cursor = encodeRunCursor({ logicalDate: deep.logical_date, queuedAt: deep.queued_at, id: deep.id });
  const dag = `/api/v1/dags/${dagId}`;
  const run = `${dag}/runs/${encodeURIComponent(deep.run_id)}`;
  return {
    'DAG list': '/api/v1/dags',
    'DAG page': dag,
    'grid (25 runs)': `${dag}/grid?limit=25`,
    'runs list, first page': `${dag}/runs?limit=25`,
    'runs list, deep page': `${dag}/runs?limit=25&cursor=${cursor}`,
    'run page': run,
    'task log': `${run}/tasks/${HISTORY_TASKS[1]}/logs`,
  };
}

/**
 * Each endpoint `requests` times per rep, the endpoints taking turns within
 * a rep; the median over 3 reps of each rep's p50 and p95 (as the other
 * sections report), so a burst of load elsewhere on the machine moves one
 * rep of one endpoint, not the figure.
 */
async function measureEndpoints(stack: Stack, requests: number): Promise<Record<string, Latency>> {
  const paths = Object.entries(await endpointPaths(stack));
  // A fresh API process compiles and caches on its first requests: not what is measured.
  for (const [, path] of paths) for (let i = 0; i < 10; i++) await timeGet(`${stack.apiUrl}${path}`);
  const reps = new Map<string, Latency[]>();
  for (let rep = 0; rep < REPS; rep++) {
    for (const [name, path] of paths) {
      const samples: number[] = [];
      for (let i = 0; i < requests; i++) samples.push(await timeGet(`${stack.apiUrl}${path}`));
      reps.set(name, [...(reps.get(name) ?? []), summary(samples)]);
    }
  }
  const out: Record<string, Latency> = {};
  for (const [name, list] of reps) {
    out[name] = { p50: median(list.map((l) => l.p50)), p95: median(list.map((l) => l.p95)) };
  }
  return out;
}

const REPS = 3;

/** Passes of the scheduler's own code, run in this process against the stack's schema and queue. */
async function measurePasses(stack: Stack, passes: number): Promise<Latency> {
  const engine = openEngine({
    databaseUrl: stack.appDatabaseUrl,
    redisUrl: REDIS_URL,
    queuePrefix: stack.prefix,
    logger: pino({ level: 'silent' }),
    name: 'bench-history-pass',
    dbMax: 5,
  });
  try {
    for (let i = 0; i < 3; i++) await schedulerPass(engine.res, 'bench-history', 'bench');
    const reps: Latency[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      const samples: number[] = [];
      for (let i = 0; i < passes; i++) {
        const t0 = performance.now();
        await schedulerPass(engine.res, 'bench-history', 'bench');
        samples.push(performance.now() - t0);
      }
      reps.push(summary(samples));
    }
    return { p50: median(reps.map((l) => l.p50)), p95: median(reps.map((l) => l.p95)) };
  } finally {
    await engine.close();
  }
}

async function cpuTicks(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * CPU of the Postgres backends serving this stack (application_name is its
 * Redis prefix, set through PGAPPNAME), over `seconds` of Sluice idle: no
 * other applications' backends are counted. A backend that connected during the
 * window counts from its start; one that closed loses its last second.
 */
async function idlePostgresCpu(stack: Stack, seconds: number): Promise<number | null> {
  const backends = async () =>
    (
      await stack.db.pool.query<{ pid: number; started: Date }>(
        `SELECT pid, backend_start AS started FROM pg_stat_activity WHERE application_name = $1`,
        [stack.prefix],
      )
    ).rows;
  const windowStart = new Date();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const b of await backends()) {
    const t = await cpuTicks(b.pid);
    if (t !== null) first.set(b.pid, t);
  }
  if (first.size === 0) return null;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    for (const b of await backends()) {
      const t = await cpuTicks(b.pid);
      if (t === null) continue;
      if (!first.has(b.pid)) first.set(b.pid, b.started > windowStart ? 0 : t);
      last.set(b.pid, t);
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  let ticks = 0;
  for (const [pid, end] of last) ticks += end - (first.get(pid) ?? end);
  return round((ticks / 100 / elapsed) * 100);
}

async function waitIdle(stack: Stack): Promise<void> {
  await waitUntil('no run to be queued or running', 600_000, async () => {
    const r = await stack.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dag_run WHERE state IN ('queued', 'running')`,
    );
    return r.rows[0]?.n === 0;
  });
}

async function measureState(stack: Stack, size: HistorySize): Promise<HistoryMeasure> {
  await waitIdle(stack);
  const counts = await stack.db.pool.query<{ runs: number }>('SELECT count(*)::int AS runs FROM dag_run');
  return {
    runs: counts.rows[0]?.runs ?? 0,
    taskInstances: await countTaskInstances(stack),
    endpoints: await measureEndpoints(stack, size.requests),
    schedulerPass: await measurePasses(stack, size.passes),
    idlePostgresCpuPct: await idlePostgresCpu(stack, size.idleSeconds),
  };
}

export async function measureHistory(
  stack: Stack,
  size: HistorySize,
  log: (msg: string) => void,
): Promise<HistoryResult> {
  const dagIds = Array.from({ length: size.dags }, (_, i) => historyDagId(i));
  // The scheduler's first runs of each DAG, then a few manual ones: real rows, real logs.
  await waitIdle(stack);
  const bytesBefore = await historyBytes(stack);
  const tisBefore = await countTaskInstances(stack);
  for (let k = 0; k < size.liveRunsPerDag; k++) {
    await Promise.all(
      dagIds.map(async (dagId) => {
        const res = await fetch(`${stack.apiUrl}/api/v1/dags/${dagId}/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ runId: `live_${k}` }),
        });
        if (res.status !== 201) throw new Error(`trigger ${dagId}: HTTP ${res.status} ${await res.text()}`);
      }),
    );
  }
  await waitIdle(stack);
  const liveTis = (await countTaskInstances(stack)) - tisBefore;
  const bytesPerTi = Math.round(((await historyBytes(stack)) - bytesBefore) / Math.max(1, liveTis));
  log(`history: ${liveTis} task instances run for real, ${bytesPerTi} bytes each; measuring the empty database…`);
  await stack.db.pool.query('VACUUM ANALYZE');
  const empty = await measureState(stack, size);

  log(`history: seeding ${size.runs} runs across ${size.dags} DAGs by SQL…`);
  const seedStart = performance.now();
  const perDag = Math.floor(size.runs / size.dags);
  for (const dagId of dagIds) await seedHistory(stack, dagId, perDag);
  log('history: VACUUM ANALYZE (autovacuum is off on this Postgres)…');
  await stack.db.pool.query('VACUUM ANALYZE');
  const seedSeconds = Math.round((performance.now() - seedStart) / 1000);
  const seededBytesPerTi = Math.round((await historyBytes(stack)) / Math.max(1, await countTaskInstances(stack)));
  log('history: measuring the full database…');
  const full = await measureState(stack, size);

  const ratios: Record<string, number | null> = {};
  for (const [name, l] of Object.entries(full.endpoints)) ratios[name] = ratio(l.p50, empty.endpoints[name]?.p50);
  ratios['scheduler pass'] = ratio(full.schedulerPass.p50, empty.schedulerPass.p50);
  return { size, bytesPerTi, seededBytesPerTi, seedSeconds, empty, full, ratios };
}
