/**
 * 8. Soak: runs triggered at a steady rate of task instances per second for
 * a long time, and per minute the rate reached, the DAG list's and grid's
 * latency, and the processes' RSS, which must stay flat while history grows.
 * Deadlocks are read from pg_stat_database (the whole database: an upper
 * bound when other schemas share it); dead and HOT-updated rows of the
 * stack's schema at the end.
 */
import { latencySummary } from '../stats';
import type { Stack } from '../stack';
import { readMemory } from '../processes';
import { trigger } from '../sluice-runs';

export interface SoakWindow {
  /** Seconds since the soak started, at the window's end. */
  atS: number;
  tiPerSec: number;
  dagListP50Ms: number;
  gridP50Ms: number;
  rssMb: Record<string, number>;
}

export interface SoakResult {
  minutes: number;
  targetTiPerSec: number;
  tasksPerRun: number;
  windows: SoakWindow[];
  triggerErrors: number;
  /** Deadlocks Postgres counted in the whole database during the soak (other schemas included). */
  deadlocksInDatabase: number;
  taskInstances: number;
  tables: Array<{ table: string; live: number; dead: number; updates: number; hotUpdates: number }>;
}

async function p50Of(url: string, n: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  return Math.round(latencySummary(samples).p50 * 10) / 10;
}

async function deadlocks(stack: Stack): Promise<number> {
  const r = await stack.db.pool.query<{ n: string }>(
    'SELECT deadlocks::text AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(r.rows[0]?.n ?? 0);
}

export async function runSoak(
  stack: Stack,
  opts: { dagId: string; tasksPerRun: number; tiPerSec: number; durationMs: number; windowMs: number },
  log: (msg: string) => void,
): Promise<SoakResult> {
  const deadlocksBefore = await deadlocks(stack);
  const started = Date.now();
  const everyMs = (opts.tasksPerRun / opts.tiPerSec) * 1000;
  let triggered = 0;
  let triggerErrors = 0;
  let stop = false;
  const triggers = (async () => {
    const inFlight = new Set<Promise<void>>();
    while (!stop) {
      const due = started + triggered * everyMs;
      if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
      const p = trigger(stack, opts.dagId, `soak_${triggered}`)
        .catch(() => {
          triggerErrors++;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      triggered++;
    }
    await Promise.all(inFlight);
  })();
  const windows: SoakWindow[] = [];
  const pids: Record<string, number> = { scheduler: stack.scheduler.pid, api: stack.api.pid };
  for (const [i, w] of stack.workers.entries()) pids[`worker ${i + 1}`] = w.pid;
  const dagList = `${stack.apiUrl}/api/v1/dags`;
  const grid = `${stack.apiUrl}/api/v1/dags/${encodeURIComponent(opts.dagId)}/grid?limit=25`;
  let windowStart = new Date();
  while (Date.now() - started < opts.durationMs) {
    await new Promise((r) => setTimeout(r, opts.windowMs));
    const windowEnd = new Date();
    const ended = await stack.db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM task_instance WHERE ended_at > $1 AND ended_at <= $2',
      [windowStart, windowEnd],
    );
    const rssMb: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const m = await readMemory(pid);
      if (m) rssMb[name] = Math.round(m.rssMb);
    }
    const window: SoakWindow = {
      atS: Math.round((windowEnd.getTime() - started) / 1000),
      tiPerSec: Math.round((ended.rows[0]?.n ?? 0) / ((windowEnd.getTime() - windowStart.getTime()) / 1000)),
      dagListP50Ms: await p50Of(dagList, 10),
      gridP50Ms: await p50Of(grid, 10),
      rssMb,
    };
    windows.push(window);
    log(
      `soak ${window.atS} s: ${window.tiPerSec} TI/s, /dags p50 ${window.dagListP50Ms} ms, grid p50 ${window.gridP50Ms} ms, RSS ${JSON.stringify(rssMb)}`,
    );
    windowStart = windowEnd;
  }
  stop = true;
  await triggers;
  const tables = await stack.db.pool.query<{
    table: string;
    live: string;
    dead: string;
    updates: string;
    hotUpdates: string;
  }>(
    `SELECT relname AS table, n_live_tup::text AS live, n_dead_tup::text AS dead, n_tup_upd::text AS updates,
            n_tup_hot_upd::text AS "hotUpdates"
     FROM pg_stat_user_tables WHERE schemaname = current_schema()
       AND relname IN ('dag_run', 'task_instance', 'task_try', 'task_log') ORDER BY relname`,
  );
  const tis = await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM task_instance');
  return {
    minutes: opts.durationMs / 60_000,
    targetTiPerSec: opts.tiPerSec,
    tasksPerRun: opts.tasksPerRun,
    windows,
    triggerErrors,
    deadlocksInDatabase: (await deadlocks(stack)) - deadlocksBefore,
    taskInstances: tis.rows[0]?.n ?? 0,
    tables: tables.rows.map((r) => ({
      table: r.table,
      live: Number(r.live),
      dead: Number(r.dead),
      updates: Number(r.updates),
      hotUpdates: Number(r.hotUpdates),
    })),
  };
}

export function formatSoak(s: SoakResult): string {
  const out = [
    `soak: ${s.minutes} min at ${s.targetTiPerSec} TI/s asked (runs of ${s.tasksPerRun}); ${s.taskInstances} task instances; trigger errors ${s.triggerErrors}; deadlocks in the database ${s.deadlocksInDatabase}`,
    'minute  TI/s  /dags p50 ms  grid p50 ms  RSS MB',
    ...s.windows.map(
      (w) =>
        `${String(Math.round(w.atS / 60)).padStart(6)}  ${String(w.tiPerSec).padStart(4)}  ${String(w.dagListP50Ms).padStart(12)}  ${String(w.gridP50Ms).padStart(11)}  ${Object.entries(
          w.rssMb,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    ),
    ...s.tables.map(
      (t) => `${t.table}: ${t.live} live, ${t.dead} dead rows; ${t.updates} updates, ${t.hotUpdates} HOT`,
    ),
  ];
  return out.join('\n');
}
