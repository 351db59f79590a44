/**
 * Mapping: one task mapped over 1,000 items (expanded at run time, run,
 * collected by a downstream) against the same fan-out written out as 1,000
 * tasks, run in turn on the same stack; and the grid API for a run of a
 * task mapped over 10,000 items.
 */
import { markFailed, trigger, waitForRuns } from '../sluice-runs';
import { ratio, spread, type Spread } from '../stats';
import type { Stack } from '../stack';
import { measureGrid, type GridResult } from './api';

/** Where one fan-out run spent its time, from Postgres timestamps. */
export interface FanoutRun {
  /** From the run being queued to it ending. */
  totalMs: number;
  /** From `list` ending to the first of the wide tasks starting: for the mapped run, the expansion. */
  fanOutMs: number;
  /** From the first of the wide tasks starting to the last ending. */
  wideMs: number;
  /** From the last of the wide tasks ending to `collect` ending. */
  collectMs: number;
}

export interface FanoutSide {
  runs: FanoutRun[];
  totalMs: Spread;
  /** totalMs ÷ the width. */
  perInstanceMs: Spread;
  fanOutMs: Spread;
  collectMs: Spread;
}

export interface MappingResult {
  width: number;
  reps: number;
  static: FanoutSide;
  mapped: FanoutSide;
  /** Median total of the mapped run ÷ median total of the static one (target ≤ 1.5). */
  ratio: number | null;
  /** What `collect` returned in each mapped run: how many outputs it was given. */
  collected: number[];
  grid?: GridResult & {
    /** Instances of the mapped task in the run the grid shows. */
    instances: number;
    /** Whether that run ended before the grid was read (else it was marked failed at its deadline). */
    runFinished: boolean;
    /** That run from queued to ended (to its deadline when it did not finish). */
    runMs: number;
  };
}

export interface MappingOptions {
  staticDagId: string;
  mappedDagId: string;
  width: number;
  reps: number;
  timeoutMs: number;
  /** The DAG mapped over `gridWidth` items whose one run the grid is read for; omitted: no grid. */
  grid?: { dagId: string; width: number; timeoutMs: number; requests: number };
}

/** Runs one fan-out to its end and reads where its time went; throws when it does not end in success. */
async function runFanout(stack: Stack, dagId: string, runId: string, timeoutMs: number): Promise<FanoutRun> {
  await trigger(stack, dagId, runId);
  const outcome = await waitForRuns(stack, dagId, [runId], timeoutMs);
  if (!outcome.finished || outcome.states['success'] !== 1) {
    if (!outcome.finished) await markFailed(stack, dagId, runId);
    throw new Error(`${dagId} run ${runId} did not succeed within ${timeoutMs} ms: ${JSON.stringify(outcome.states)}`);
  }
  const r = await stack.db.pool.query<{
    total: number;
    list_end: Date;
    wide_start: Date;
    wide_end: Date;
    collect_end: Date;
  }>(
    `SELECT (extract(epoch FROM r.ended_at - r.queued_at) * 1000)::float8 AS total,
            max(ti.ended_at) FILTER (WHERE ti.task_id = 'list') AS list_end,
            min(ti.started_at) FILTER (WHERE ti.task_id NOT IN ('list', 'collect')) AS wide_start,
            max(ti.ended_at) FILTER (WHERE ti.task_id NOT IN ('list', 'collect')) AS wide_end,
            max(ti.ended_at) FILTER (WHERE ti.task_id = 'collect') AS collect_end
     FROM dag_run r JOIN task_instance ti ON ti.dag_run_id = r.id
     WHERE r.dag_id = $1 AND r.run_id = $2 GROUP BY r.id`,
    [dagId, runId],
  );
  const row = r.rows[0];
  if (!row) throw new Error(`${dagId} run ${runId} has no task instances`);
  return {
    totalMs: row.total,
    fanOutMs: row.wide_start.getTime() - row.list_end.getTime(),
    wideMs: row.wide_end.getTime() - row.wide_start.getTime(),
    collectMs: row.collect_end.getTime() - row.wide_end.getTime(),
  };
}

function side(runs: FanoutRun[], width: number): FanoutSide {
  return {
    runs,
    totalMs: spread(runs.map((r) => r.totalMs)),
    perInstanceMs: spread(runs.map((r) => r.totalMs / width)),
    fanOutMs: spread(runs.map((r) => r.fanOutMs)),
    collectMs: spread(runs.map((r) => r.collectMs)),
  };
}

async function collectedCount(stack: Stack, dagId: string, runId: string): Promise<number> {
  const url = `${stack.apiUrl}/api/v1/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}/tasks/collect`;
  const res = await fetch(url);
  const body = (await res.json()) as { output?: unknown };
  if (typeof body.output !== 'number') throw new Error(`collect of ${dagId} ${runId} gave ${JSON.stringify(body)}`);
  return body.output;
}

/** Static and mapped runs in turn (one of each, unmeasured, first), then the grid of one 10,000-wide mapped run. */
export async function measureMapping(
  stack: Stack,
  opts: MappingOptions,
  log: (msg: string) => void,
): Promise<MappingResult> {
  const statics: FanoutRun[] = [];
  const mapped: FanoutRun[] = [];
  const collected: number[] = [];
  for (let rep = 0; rep <= opts.reps; rep++) {
    // Rep 0 warms both sides up (a DAG version parsed in each process, plans cached) and is not counted.
    const s = await runFanout(stack, opts.staticDagId, `static-${rep}`, opts.timeoutMs);
    const m = await runFanout(stack, opts.mappedDagId, `mapped-${rep}`, opts.timeoutMs);
    const got = await collectedCount(stack, opts.mappedDagId, `mapped-${rep}`);
    log(
      `  rep ${rep}${rep === 0 ? ' (warm-up)' : ''}: static ${s.totalMs.toFixed(0)} ms, mapped ${m.totalMs.toFixed(0)} ms`,
    );
    if (rep === 0) continue;
    statics.push(s);
    mapped.push(m);
    collected.push(got);
  }
  const result: MappingResult = {
    width: opts.width,
    reps: opts.reps,
    static: side(statics, opts.width),
    mapped: side(mapped, opts.width),
    ratio: null,
    collected,
  };
  result.ratio = ratio(result.mapped.totalMs.median, result.static.totalMs.median);
  if (opts.grid) {
    const g = opts.grid;
    log(`  one run mapped over ${g.width.toLocaleString('en-US')} items, for the grid…`);
    await trigger(stack, g.dagId, 'grid-1');
    const outcome = await waitForRuns(stack, g.dagId, ['grid-1'], g.timeoutMs);
    if (!outcome.finished) await markFailed(stack, g.dagId, 'grid-1');
    const n = await stack.db.pool.query<{ n: number; ms: number }>(
      `SELECT count(*)::int AS n, (extract(epoch FROM coalesce(r.ended_at, now()) - r.queued_at) * 1000)::float8 AS ms
       FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
       WHERE r.dag_id = $1 AND r.run_id = 'grid-1' AND ti.task_id = 'each' AND ti.map_index >= 0 GROUP BY r.id`,
      [g.dagId],
    );
    const grid = await measureGrid(stack, { dagId: g.dagId, limit: 25, requests: g.requests, reps: opts.reps });
    const row = n.rows[0];
    result.grid = { ...grid, instances: row?.n ?? 0, runFinished: outcome.finished, runMs: row?.ms ?? Number.NaN };
  }
  return result;
}
