/**
 * Run creation: scheduled runs from each DAG's timetable, manual runs from
 * a trigger, and starting queued runs within maxActiveRuns.
 */
import { failsRun, manualDataInterval, nextDagRunInfo, nextRunAfter, type DagSpec } from '@sluice/core';
import {
  countActiveRuns,
  createDagRun,
  lastScheduledInterval,
  readDagForTrigger,
  recordAuditEvent,
  setNextRunAt,
  startQueuedRuns,
  type NewTaskInstance,
} from '@sluice/db';
import type { CachedDagVersion } from './dag-cache';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors';
import type { EngineResources } from './resources';
import { scheduleStartedRuns } from './task-scheduling';
import { Coalescer } from './coalescer';
import { validateConf } from './conf';

/** Scheduled runs created per DAG per pass; catchup over a long range proceeds in steps. */
const MAX_RUNS_PER_PASS = 50;

export function taskInstancesOf(spec: DagSpec): NewTaskInstance[] {
  return spec.tasks.map((t) => ({
    taskId: t.taskId,
    maxTries: t.retry.retries + 1,
    operator: t.operator.kind,
    pool: t.pool,
    poolSlots: t.poolSlots,
    priorityWeight: t.priorityWeight,
    failsRun: failsRun(t),
  }));
}

export function runIdFor(runType: 'manual' | 'scheduled' | 'backfill', logicalDate: Date): string {
  return `${runType}__${logicalDate.toISOString()}`;
}

/** Creates the runs a DAG's timetable says are due; returns their ids. */
export async function createDueRuns(
  res: EngineResources,
  dag: { dagId: string; isPaused: boolean; version: CachedDagVersion },
): Promise<string[]> {
  const spec = dag.version.spec;
  const now = res.now();
  let last = await lastScheduledInterval(res.pool, dag.dagId);
  const created: string[] = [];
  if (!dag.isPaused && spec.schedule !== null) {
    const room = Math.min(MAX_RUNS_PER_PASS, spec.maxActiveRuns - (await countActiveRuns(res.pool, dag.dagId)));
    for (let i = 0; i < room; i++) {
      const info = nextDagRunInfo(spec, last, now);
      if (!info) break;
      const runId = runIdFor('scheduled', info.logicalDate);
      const run = await createDagRun(res.pool, {
        dagId: dag.dagId,
        runId,
        runType: 'scheduled',
        logicalDate: info.logicalDate,
        dataIntervalStart: info.dataInterval.start,
        dataIntervalEnd: info.dataInterval.end,
        conf: {},
        dagVersionId: dag.version.versionId,
        tasks: taskInstancesOf(spec),
        deadline: spec.deadline,
      });
      if (run) created.push(runId);
      last = { dataIntervalEnd: info.dataInterval.end };
    }
  }
  await setNextRunAt(
    res.pool,
    dag.dagId,
    spec.schedule === null ? null : (nextRunAfter(spec, last, now)?.runAfter ?? null),
  );
  return created;
}

export interface TriggerInput {
  dagId: string;
  conf?: Record<string, unknown> | undefined;
  logicalDate?: Date | undefined;
  runId?: string | undefined;
  actor: string;
}

/**
 * A manual run. It starts at once when the DAG is unpaused and has room
 * under maxActiveRuns; otherwise it waits queued, as in Airflow.
 */
export async function triggerRun(res: EngineResources, input: TriggerInput): Promise<{ id: string; runId: string }> {
  const dag = await readDagForTrigger(res.pool, input.dagId);
  if (!dag) throw new NotFoundError(`DAG "${input.dagId}" does not exist`);
  if (!dag.versionId) throw new NotFoundError(`DAG "${input.dagId}" has no loadable version`);
  const version = await res.dags.get(dag.versionId);
  const conf = input.conf ?? {};
  const confIssues = validateConf(version.spec.confSchema, conf);
  if (confIssues.length > 0) throw new InvalidRequestError(`conf does not match the DAG's confSchema`, confIssues);
  const logicalDate = input.logicalDate ?? res.now();
  const interval = manualDataInterval(version.spec, logicalDate);
  const runId = input.runId ?? runIdFor('manual', logicalDate);
  const run = await createDagRun(res.pool, {
    dagId: input.dagId,
    runId,
    runType: 'manual',
    logicalDate,
    dataIntervalStart: interval.start,
    dataIntervalEnd: interval.end,
    conf,
    dagVersionId: version.versionId,
    tasks: taskInstancesOf(version.spec),
    deadline: version.spec.deadline,
  });
  if (!run) throw new ConflictError(`DAG "${input.dagId}" already has a run with id "${runId}"`);
  await recordAuditEvent(res.pool, {
    actor: input.actor,
    action: 'trigger',
    dagId: input.dagId,
    runId,
    details: { conf },
  });
  await startRunsSoon(res, input.dagId, version);
  return { id: run.id, runId };
}

/** Starts queued runs of a DAG within maxActiveRuns and schedules their first tasks, in one pass. */
export async function startRuns(res: EngineResources, dagId: string, version: CachedDagVersion): Promise<string[]> {
  const started = await startQueuedRuns(res.pool, dagId, version.spec.maxActiveRuns);
  if (started.length > 0) res.observe?.runsStarted(started.map((r) => r.lagSeconds));
  await scheduleStartedRuns(res, started);
  return started.map((r) => r.id);
}

/**
 * Starts of this process, per DAG: a trigger made while a start of its DAG
 * is in flight waits for it and goes with the others in the next start,
 * which starts every run queued by then. A burst of triggers of one DAG is a
 * few starts instead of one each queueing on the DAG lock.
 */
const startsOf = new WeakMap<EngineResources, Coalescer<{ dagId: string; version: CachedDagVersion }, null>>();

async function startRunsSoon(res: EngineResources, dagId: string, version: CachedDagVersion): Promise<void> {
  let starts = startsOf.get(res);
  if (!starts) {
    starts = new Coalescer<{ dagId: string; version: CachedDagVersion }, null>(async (batch) => {
      const latest = new Map(batch.map((b) => [b.dagId, b.version]));
      for (const [id, v] of latest) await startRuns(res, id, v);
      return batch.map(() => null);
    });
    startsOf.set(res, starts);
  }
  await starts.call({ dagId, version });
}
