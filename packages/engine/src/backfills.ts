/**
 * Backfills (ADR 20): created by a user, driven by the scheduler. Each pass
 * steps every queued or running backfill: it decides the next intervals in
 * order (core's backfillStep), creates or clears their runs while fewer
 * than the backfill's maxActiveRuns are unfinished, and starts its queued
 * runs under that limit. Backfill runs never count against the DAG's
 * maxActiveRuns, so scheduled runs go on as if there were no backfill.
 */
import {
  type BackfillReprocess,
  type BackfillState,
  type DagRunInfo,
  type DagRunState,
  type ExistingRun,
  type IntervalAction,
  InvalidOptionsError,
  backfillStep,
  intervalsBetween,
  planIntervals,
  toError,
  undecidedIntervals,
} from '@sluice/core';
import {
  type BackfillRow,
  advanceBackfill,
  countBackfillRuns,
  countUnfinishedBackfillRuns,
  createDagRun,
  findBackfill,
  findRun,
  insertBackfill,
  linkRunToBackfill,
  listQueuedBackfillRuns,
  listRunsBetween,
  moveBackfill,
  readDagForTrigger,
  recordAuditEvent,
  startBackfillRuns,
  withBackfillLock,
} from '@sluice/db';
import { clearRun } from './clearing';
import { validateConf } from './conf';
import type { CachedDagVersion } from './dag-cache';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors';
import { markRun } from './operations';
import type { EngineResources } from './resources';
import { runIdFor, taskInstancesOf } from './run-creation';
import { scheduleStartedRuns } from './task-scheduling';

/** Intervals one backfill may cover: more is refused with a message to narrow the range. */
export const MAX_BACKFILL_INTERVALS = 10_000;
/** Undecided intervals one step looks at: a long backfill reads the next few hundred, not the whole range. */
const STEP_WINDOW = 500;

export interface BackfillInput {
  dagId: string;
  from: Date;
  to: Date;
  reprocess: BackfillReprocess;
  reverse: boolean;
  /** Default: the DAG's maxActiveRuns. */
  maxActiveRuns?: number | undefined;
  conf?: Record<string, unknown> | undefined;
  actor: string;
}

export interface PlannedInterval {
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  action: IntervalAction;
  /** The run that exists, or the one the backfill would create. */
  runId: string;
  /** The existing run's state; null when the backfill would create the run. */
  runState: DagRunState | null;
}

export interface BackfillPreview {
  dagId: string;
  maxActiveRuns: number;
  /** In the order the backfill takes them. */
  intervals: PlannedInterval[];
}

async function currentVersion(res: EngineResources, dagId: string): Promise<CachedDagVersion> {
  const dag = await readDagForTrigger(res.pool, dagId);
  if (!dag) throw new NotFoundError(`DAG "${dagId}" does not exist`);
  if (!dag.versionId) throw new NotFoundError(`DAG "${dagId}" has no loadable version`);
  return res.dags.get(dag.versionId);
}

function intervalsOf(version: CachedDagVersion, from: Date, to: Date): DagRunInfo[] {
  try {
    return intervalsBetween(version.spec, from, to, { limit: MAX_BACKFILL_INTERVALS });
  } catch (raw) {
    if (raw instanceof InvalidOptionsError)
      throw new InvalidRequestError(raw.message, [{ path: 'body.from', message: raw.message }]);
    throw raw;
  }
}

/** The DAG's runs at the given intervals' logical dates, by logical date. */
async function existingRuns(
  res: EngineResources,
  dagId: string,
  intervals: readonly DagRunInfo[],
): Promise<(logicalDate: Date) => ExistingRun[]> {
  const times = intervals.map((i) => i.logicalDate.getTime());
  if (times.length === 0) return () => [];
  const runs = await listRunsBetween(res.pool, {
    dagId,
    from: new Date(Math.min(...times)),
    to: new Date(Math.max(...times)),
    limit: MAX_BACKFILL_INTERVALS * 10,
  });
  const byTime = new Map<number, ExistingRun[]>();
  for (const r of runs) {
    const at = r.logicalDate.getTime();
    byTime.set(at, [...(byTime.get(at) ?? []), { runId: r.runId, state: r.state }]);
  }
  return (logicalDate) => byTime.get(logicalDate.getTime()) ?? [];
}

async function checked(res: EngineResources, input: BackfillInput) {
  const version = await currentVersion(res, input.dagId);
  const conf = input.conf ?? {};
  const issues = validateConf(version.spec.confSchema, conf);
  if (issues.length > 0) throw new InvalidRequestError(`conf does not match the DAG's confSchema`, issues);
  const intervals = intervalsOf(version, input.from, input.to);
  return { version, conf, intervals, maxActiveRuns: input.maxActiveRuns ?? version.spec.maxActiveRuns };
}

/** What a backfill would do with each interval now: the dry run. Writes nothing. */
export async function previewBackfill(res: EngineResources, input: BackfillInput): Promise<BackfillPreview> {
  const { intervals, maxActiveRuns } = await checked(res, input);
  const ordered = undecidedIntervals(intervals, null, input.reverse);
  const planned = planIntervals(ordered, await existingRuns(res, input.dagId, ordered), input.reprocess);
  return {
    dagId: input.dagId,
    maxActiveRuns,
    intervals: planned.map((p) => ({
      logicalDate: p.info.logicalDate,
      dataIntervalStart: p.info.dataInterval.start,
      dataIntervalEnd: p.info.dataInterval.end,
      action: p.action,
      runId: p.existing?.runId ?? runIdFor('backfill', p.info.logicalDate),
      runState: p.existing?.state ?? null,
    })),
  };
}

/** Records a backfill and takes its first step at once. */
export async function createBackfill(res: EngineResources, input: BackfillInput): Promise<BackfillRow> {
  const { conf, maxActiveRuns, intervals } = await checked(res, input);
  const row = await insertBackfill(res.pool, {
    dagId: input.dagId,
    fromDate: input.from,
    toDate: input.to,
    reprocess: input.reprocess,
    reverse: input.reverse,
    maxActiveRuns,
    conf,
    createdBy: input.actor,
  });
  await recordAuditEvent(res.pool, {
    actor: input.actor,
    action: 'backfill_create',
    dagId: input.dagId,
    details: {
      backfillId: row.id,
      from: input.from.toISOString(),
      to: input.to.toISOString(),
      intervals: intervals.length,
      reprocess: input.reprocess,
      reverse: input.reverse,
      maxActiveRuns,
      conf,
    },
  });
  // The first step at once, so its runs start now; the scheduler's next pass takes it up if this one fails.
  await driveBackfill(res, row).catch((raw: unknown) =>
    res.logger.warn({ err: toError(raw), backfillId: row.id }, 'could not take the first step of a backfill'),
  );
  return (await findBackfill(res.pool, row.id)) ?? row;
}

export interface BackfillStepStats {
  created: number;
  rerun: number;
  started: number;
}

/**
 * One step of one backfill, under its lock (another scheduler stepping it
 * makes this a no-op). A DAG whose schedule no longer has intervals in the
 * range leaves the backfill where it is, with the reason in the log.
 */
export async function driveBackfill(res: EngineResources, backfill: BackfillRow): Promise<BackfillStepStats> {
  const stats = await withBackfillLock(res.pool, backfill.id, async () => {
    const b = await findBackfill(res.pool, backfill.id);
    if (!b || (b.state !== 'queued' && b.state !== 'running')) return { created: 0, rerun: 0, started: 0 };
    const version = await currentVersion(res, b.dagId);
    const undecided = undecidedIntervals(intervalsOf(version, b.fromDate, b.toDate), b.cursor, b.reverse);
    const ahead = undecided.slice(0, STEP_WINDOW);
    const step = backfillStep({
      ahead: planIntervals(ahead, await existingRuns(res, b.dagId, ahead), b.reprocess),
      cursor: b.cursor,
      active: await countUnfinishedBackfillRuns(res.pool, b.id),
      maxActiveRuns: b.maxActiveRuns,
    });
    let created = 0;
    let rerun = 0;
    for (const interval of step.act) {
      const existing = interval.existing;
      if (existing === null) {
        const run = await createDagRun(res.pool, {
          dagId: b.dagId,
          runId: runIdFor('backfill', interval.info.logicalDate),
          runType: 'backfill',
          logicalDate: interval.info.logicalDate,
          dataIntervalStart: interval.info.dataInterval.start,
          dataIntervalEnd: interval.info.dataInterval.end,
          conf: b.conf,
          dagVersionId: version.versionId,
          tasks: taskInstancesOf(version.spec),
          deadline: version.spec.deadline,
          backfillId: b.id,
        });
        if (run) created++;
        continue;
      }
      await rerunExisting(res, b, existing.runId, interval.action === 'rerun_failed');
      rerun++;
    }
    if (step.cursor?.getTime() !== b.cursor?.getTime() || b.state === 'queued') {
      await advanceBackfill(res.pool, { id: b.id, from: b.cursor, to: step.cursor });
    }
    if (step.complete && undecided.length === ahead.length) await moveBackfill(res.pool, b.id, 'completed');
    const started = await startBackfillRuns(res.pool, b.id);
    if (started.length > 0) res.observe?.runsStarted(started.map((r) => r.lagSeconds));
    await scheduleStartedRuns(res, started);
    return { created, rerun, started: started.length };
  });
  return stats ?? { created: 0, rerun: 0, started: 0 };
}

/** Links the run to the backfill first, so the cleared run waits for the backfill's limit, not the DAG's. */
async function rerunExisting(res: EngineResources, b: BackfillRow, runId: string, onlyFailed: boolean): Promise<void> {
  const run = await findRun(res.pool, b.dagId, runId);
  if (!run) return;
  await linkRunToBackfill(res.pool, run.id, b.id);
  await clearRun(res, { dagId: b.dagId, runId, onlyFailed, dryRun: false, actor: b.createdBy });
}

export type BackfillAction = 'pause' | 'resume' | 'cancel';

const targetOf: Record<BackfillAction, BackfillState> = { pause: 'paused', resume: 'running', cancel: 'cancelled' };

/**
 * Pause (no run created or started; running ones finish), resume, or cancel
 * (no run created any more; its queued runs are marked failed, its running
 * runs finish). A cancel pauses first, so no queued run starts while the
 * others are being failed.
 */
export async function changeBackfill(
  res: EngineResources,
  args: { id: string; action: BackfillAction; actor: string },
): Promise<BackfillRow> {
  const b = await findBackfill(res.pool, args.id);
  if (!b) throw new NotFoundError(`backfill "${args.id}" does not exist`);
  const refuse = () =>
    new ConflictError(
      `backfill "${args.id}" is ${b.state}; it cannot be ${args.action === 'pause' ? 'paused' : `${args.action}d`}`,
    );
  if (args.action === 'cancel') {
    if (b.state !== 'paused' && !(await moveBackfill(res.pool, b.id, 'paused'))) throw refuse();
    for (const run of await listQueuedBackfillRuns(res.pool, b.id)) {
      await markRun(res, { dagId: b.dagId, runId: run.runId, to: 'failed', actor: args.actor });
    }
  }
  const moved = await moveBackfill(res.pool, b.id, targetOf[args.action]);
  if (!moved) throw refuse();
  await recordAuditEvent(res.pool, {
    actor: args.actor,
    action: `backfill_${args.action}`,
    dagId: b.dagId,
    details: { backfillId: b.id, from: b.state },
  });
  if (args.action === 'resume') await driveBackfill(res, moved);
  return (await findBackfill(res.pool, b.id)) ?? moved;
}

export interface BackfillProgress {
  /** Intervals in the range, per the DAG's current schedule. */
  intervals: number;
  /** Intervals the backfill has decided (created, cleared or passed over). */
  decided: number;
  runs: Record<DagRunState, number>;
}

/** How far each backfill got: intervals decided and its runs by state. */
export async function backfillProgress(
  res: EngineResources,
  rows: readonly BackfillRow[],
): Promise<Map<string, BackfillProgress>> {
  const counts = await countBackfillRuns(
    res.pool,
    rows.map((r) => r.id),
  );
  const progress = new Map<string, BackfillProgress>();
  for (const b of rows) {
    let intervals = 0;
    let undecided = 0;
    try {
      const all = intervalsOf(await currentVersion(res, b.dagId), b.fromDate, b.toDate);
      intervals = all.length;
      undecided = undecidedIntervals(all, b.cursor, b.reverse).length;
    } catch (raw) {
      if (!(raw instanceof InvalidRequestError || raw instanceof NotFoundError)) throw raw;
    }
    const runs = counts.get(b.id) ?? { queued: 0, running: 0, success: 0, failed: 0 };
    progress.set(b.id, { intervals, decided: intervals - undecided, runs });
  }
  return progress;
}
