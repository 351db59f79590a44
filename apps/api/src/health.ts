/**
 * `/api/v1/health`: whether Postgres and Redis answer, how old each
 * scheduler's and worker's heartbeat is, and the queue's backlog. A process
 * is stale when it has not beaten for 1.5 × its own interval — stopped,
 * killed, or its event loop blocked — so health turns `degraded` within
 * twice that interval and `ok` again once it beats.
 */
import type { RequestHandler } from 'express';
import type { Health, WorkerHealth } from '@sluice/client';
import { readLiveness, type ProcessBeat } from '@sluice/db';
import { clusterProbe } from '@sluice/engine';
import { probe } from '@sluice/metrics';
import type { ApiDeps } from './app';

/** A heartbeat older than this many intervals is stale. */
export const STALE_AFTER_INTERVALS = 1.5;
/** Processes not heard from for this long are forgotten (a worker scaled away). */
const FORGET_AFTER_MS = 10 * 60_000;
/** The scheduler interval assumed for a heartbeat row that does not say its own. */
const DEFAULT_SCHEDULER_INTERVAL_MS = 1000;

const stale = (b: ProcessBeat, fallbackMs: number) => b.ageMs > STALE_AFTER_INTERVALS * (b.intervalMs ?? fallbackMs);
const secondsText = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function readHealth(deps: ApiDeps): Promise<Health> {
  const [database, redis] = await Promise.all([
    probe(() => deps.db.pool.query('SELECT 1')),
    probe(() => deps.pingRedis()),
  ]);
  const problems: string[] = [];
  if (database === 'down') problems.push('database down');
  if (redis === 'down') problems.push('Redis down');
  const liveness = database === 'ok' ? await readLiveness(deps.db.pool, FORGET_AFTER_MS).catch(() => null) : null;
  const newest = liveness?.schedulers[0] ?? null;
  const schedulerStatus = newest === null ? 'missing' : stale(newest, DEFAULT_SCHEDULER_INTERVAL_MS) ? 'stale' : 'ok';
  if (database === 'ok' && newest === null) problems.push('no scheduler heartbeat');
  if (newest && schedulerStatus === 'stale') problems.push(`scheduler heartbeat ${secondsText(newest.ageMs)} old`);
  const workers: WorkerHealth[] = (liveness?.workers ?? []).map((w) => ({
    id: w.id,
    hostname: w.hostname,
    lastHeartbeatAt: w.lastHeartbeatAt.toISOString(),
    ageMs: Math.round(w.ageMs),
    eventLoopLagMs: w.eventLoopLagMs ?? 0,
    runningTries: w.runningTries ?? 0,
    status: stale(w, w.intervalMs ?? 0) ? 'stale' : 'ok',
  }));
  for (const w of workers)
    if (w.status === 'stale') problems.push(`worker ${w.id} heartbeat ${secondsText(w.ageMs)} old`);
  if (liveness && workers.length === 0) problems.push('no worker heard from');
  let queue: Health['queue'] = null;
  if (database === 'ok' && redis === 'ok') {
    const probe = clusterProbe(deps.engine);
    const [jobs, counts] = await Promise.all([probe.queueJobs(), probe.counts()]).catch(() => [null, null]);
    if (jobs && counts) {
      const of = (state: string) => jobs.find((j) => j.state === state)?.count ?? 0;
      queue = {
        waiting: of('waiting') + of('prioritized'),
        active: of('active'),
        delayed: of('delayed'),
        oldestQueuedAgeSeconds: counts.oldestQueuedAgeSeconds,
      };
    }
  }
  return {
    status: database === 'down' ? 'down' : problems.length > 0 ? 'degraded' : 'ok',
    database,
    redis,
    scheduler: {
      lastHeartbeatAt: newest?.lastHeartbeatAt.toISOString() ?? null,
      ageMs: newest ? Math.round(newest.ageMs) : null,
      status: schedulerStatus,
    },
    workers,
    queue,
    problems,
  };
}

export function healthHandler(deps: ApiDeps): RequestHandler {
  return (_req, res, next) => {
    readHealth(deps).then((body) => res.status(body.status === 'ok' ? 200 : 503).json(body), next);
  };
}
