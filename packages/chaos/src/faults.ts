/**
 * The faults the suite injects into a running Sluice, and the schedule they
 * follow. Each fault waits (bounded) for the condition that makes it
 * meaningful — a worker with a task running, load on the cluster — and
 * records what it did and to which process.
 */
import { ts } from '@sluice/db';
import type { Cluster, Slot } from './cluster';

export type FaultKind = 'worker-kill' | 'scheduler-kill' | 'redis-flush' | 'postgres-outage';

export interface FaultRecord {
  kind: FaultKind;
  /** Ms since the faulted phase began. */
  atMs: number;
  /** False when the condition it waits for never came (e.g. every run had ended). */
  injected: boolean;
  detail: string;
}

export interface FaultPlanOptions {
  workerKills: number;
  schedulerKill: boolean;
  redisFlush: boolean;
  postgresOutage: boolean;
}

/**
 * The order of the faults: worker kills spread over the phase, the
 * Postgres outage early (when most runs are still going: peak load), the
 * scheduler kill at about 40 % of the kills and the FLUSHDB at about 65 %.
 */
export function planFaults(o: FaultPlanOptions): FaultKind[] {
  const plan: FaultKind[] = Array.from({ length: o.workerKills }, () => 'worker-kill');
  const insert = (fraction: number, kind: FaultKind) => {
    const kills = plan.filter((k) => k === 'worker-kill').length;
    const after = Math.round(kills * fraction);
    let seen = 0;
    let at = 0;
    while (at < plan.length && seen < after) {
      if (plan[at] === 'worker-kill') seen++;
      at++;
    }
    // After the one-off faults already placed there, so they keep their order.
    while (at < plan.length && plan[at] !== 'worker-kill') at++;
    plan.splice(at, 0, kind);
  };
  if (o.postgresOutage) insert(0.15, 'postgres-outage');
  if (o.schedulerKill) insert(0.4, 'scheduler-kill');
  if (o.redisFlush) insert(0.65, 'redis-flush');
  return plan;
}

interface RunningTry {
  hostname: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}

async function runningTries(cluster: Cluster): Promise<RunningTry[]> {
  const r = await cluster.pool.query<RunningTry>(
    `SELECT t.hostname, r.run_id AS "runId", ti.task_id AS "taskId", t.try_number AS "tryNumber"
     FROM task_try t JOIN task_instance ti ON ti.id = t.task_instance_id JOIN dag_run r ON r.id = ti.dag_run_id
     WHERE t.state = ${ts.running} AND t.ended_at IS NULL AND t.hostname IS NOT NULL`,
  );
  return r.rows;
}

/** Polls `probe` (errors count as "not yet") until it returns a value or `timeoutMs` passes. */
export async function poll<T>(
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  everyMs = 50,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 100_000; i++) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}

export interface FaultContext {
  cluster: Cluster;
  phaseStart: number;
  /** True while some run of the phase has not ended: faults only make sense then. */
  busy: () => Promise<boolean>;
  postgresOutageMs: number;
  /** Whether a task is one of the long ones. */
  isLong: (taskId: string) => boolean;
  log: (line: string) => void;
}

let roundRobin = 0;

/**
 * kill -9 of a worker that has a task running right now, then a new worker
 * in its place. For up to 3 s it waits for a worker running a long task
 * (`isLong`), whose orphaned shell outlives the heartbeat timeout; then it
 * takes any worker with a task running.
 */
export async function killWorkerMidTask(ctx: FaultContext): Promise<FaultRecord> {
  const { cluster } = ctx;
  const began = Date.now();
  const found = await poll(30_000, async () => {
    if (!(await ctx.busy())) return null;
    const alive = cluster.alive('worker');
    if (alive.length === 0) return null;
    const tries = await runningTries(cluster);
    const preferLong = Date.now() - began < 3_000;
    for (let k = 0; k < alive.length; k++) {
      const slot = alive[(roundRobin + k) % alive.length];
      const t = tries.find((x) => x.hostname === slot?.hostname && (!preferLong || ctx.isLong(x.taskId)));
      if (slot && t) return { slot, t };
    }
    return undefined;
  });
  const atMs = Date.now() - ctx.phaseStart;
  if (!found)
    return {
      kind: 'worker-kill',
      atMs,
      injected: false,
      detail:
        cluster.alive('worker').length === 0
          ? 'no worker alive'
          : 'no worker had a task running (runs ended, or none ran within 30 s)',
    };
  roundRobin++;
  const { slot, t } = found;
  const pid = slot.proc.pid;
  const next = await cluster.kill(slot);
  return {
    kind: 'worker-kill',
    atMs,
    injected: true,
    detail: `kill -9 ${slot.hostname} pid ${pid} while running ${t.runId}/${t.taskId} try ${t.tryNumber}; restarted as ${next.hostname} pid ${next.proc.pid}`,
  };
}

export async function killScheduler(ctx: FaultContext): Promise<FaultRecord> {
  const alive = ctx.cluster.alive('scheduler');
  const slot: Slot | undefined = alive[roundRobin % Math.max(1, alive.length)];
  const atMs = Date.now() - ctx.phaseStart;
  if (!slot) return { kind: 'scheduler-kill', atMs, injected: false, detail: 'no scheduler alive' };
  const pid = slot.proc.pid;
  const next = await ctx.cluster.kill(slot);
  return {
    kind: 'scheduler-kill',
    atMs,
    injected: true,
    detail: `kill -9 ${slot.hostname} pid ${pid}; restarted as ${next.hostname} pid ${next.proc.pid}`,
  };
}

export async function flushRedis(ctx: FaultContext): Promise<FaultRecord> {
  const size = await ctx.cluster.redis.dbsize();
  await ctx.cluster.flushRedis();
  return {
    kind: 'redis-flush',
    atMs: Date.now() - ctx.phaseStart,
    injected: true,
    detail: `FLUSHDB of Redis db ${ctx.cluster.redisDb} (${size} keys)`,
  };
}

/**
 * At peak load (as many tries running as there are worker slots, or the
 * most seen within 8 s), refuses the database's connections and
 * terminates its backends, for `postgresOutageMs`.
 */
export async function postgresOutage(ctx: FaultContext): Promise<FaultRecord> {
  const { cluster } = ctx;
  const slots = cluster.options.workers * cluster.options.workerConcurrency;
  let most = 0;
  await poll(
    8_000,
    async () => {
      const n = (await runningTries(cluster)).length;
      most = Math.max(most, n);
      return n >= slots ? true : undefined;
    },
    100,
  );
  const atMs = Date.now() - ctx.phaseStart;
  const terminated = await cluster.refuseConnections();
  const began = Date.now();
  try {
    // The outage lasts a fixed time by design: a fault schedule, not a check.
    await new Promise((r) => setTimeout(r, ctx.postgresOutageMs));
  } finally {
    await cluster.allowConnections();
  }
  return {
    kind: 'postgres-outage',
    atMs,
    injected: true,
    detail: `connections refused for ${Date.now() - began} ms, ${terminated} backends terminated, ${most} tries running at the start`,
  };
}

/** Runs the plan in order, `gapMs` apart; what finds no runs left to fault is recorded as not injected. */
export async function runFaults(ctx: FaultContext, plan: readonly FaultKind[], gapMs: number): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const kind of plan) {
    const atMs = Date.now() - ctx.phaseStart;
    if (!(await ctx.busy().catch(() => true))) {
      records.push({ kind, atMs, injected: false, detail: 'every run had ended' });
      continue;
    }
    let rec: FaultRecord;
    try {
      rec =
        kind === 'worker-kill'
          ? await killWorkerMidTask(ctx)
          : kind === 'scheduler-kill'
            ? await killScheduler(ctx)
            : kind === 'redis-flush'
              ? await flushRedis(ctx)
              : await postgresOutage(ctx);
    } catch (raw) {
      rec = {
        kind,
        atMs,
        injected: false,
        detail: `could not inject: ${raw instanceof Error ? raw.message : String(raw)}`,
      };
    }
    records.push(rec);
    ctx.log(`${(rec.atMs / 1000).toFixed(1)} s ${rec.kind}${rec.injected ? '' : ' (not injected)'}: ${rec.detail}`);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return records;
}
