/**
 * The plan of `sluice dags plan`: for each DAG that changes, what changes in
 * its structure (core's diffDags), its schedule (next runs before and after,
 * DST), the runs the scheduler creates as soon as it loads the change, and
 * the runs in flight with the version each finishes on.
 */
import {
  type CatchUp,
  type DagDiff,
  type DagSpec,
  type DstHazard,
  type PlannedRun,
  catchUp,
  diffDags,
  dstHazards,
  formatLocal,
  nextRuns,
  scheduledHistory,
} from '@sluice/core';
import type { BaseSide, InFlightRun, PlanDag, PlanError } from './plan-sources';

export interface SchedulePlan {
  timezone: string;
  before: PlannedRun[];
  after: PlannedRun[];
  /** Nights in the coming year the new schedule hits a clock change. */
  dst: DstHazard[];
}

export interface DagPlan extends DagDiff {
  fileLoc: string;
  /** Set when the schedule, its zone, start or end date or catchup changed, or the DAG is new to the scheduler. */
  schedule: SchedulePlan | null;
  /** Runs created the moment the change is loaded; null for a removed DAG. */
  catchUp: CatchUp | null;
  /** The deployed DAG's unfinished runs; null when the base is a git ref (nothing says what runs). */
  inFlight: InFlightRun[] | null;
}

export interface Plan {
  base: { kind: 'git'; ref: string; commit: string } | { kind: 'api'; url: string };
  now: Date;
  dags: DagPlan[];
  /** Import and type errors in the work tree. */
  errors: PlanError[];
  /** Files that did not load at the base (for context; they are not this change's errors). */
  baseErrors: PlanError[];
  counts: Record<DagDiff['kind'], number>;
}

const scheduleFields = new Set(['schedule', 'timezone', 'startDate', 'endDate', 'catchup']);

function schedulePlan(diff: DagDiff, now: Date): SchedulePlan | null {
  const { base, head } = diff;
  const touched =
    diff.kind === 'added' ||
    diff.kind === 'removed' ||
    diff.kind === 'renamed' ||
    diff.changes.some((c) => scheduleFields.has(c.field));
  if (!touched) return null;
  const zone = (head ?? base)?.timezone ?? 'UTC';
  // Both columns on the DAG's (new) wall clock, so a reader compares like with like.
  const before = base ? nextRuns(base, now).map((r) => ({ ...r, local: formatLocal(r.runAt, zone) })) : [];
  return {
    timezone: zone,
    before,
    after: head ? nextRuns(head, now) : [],
    dst: head ? dstHazards(head, now) : [],
  };
}

/** What the scheduler had created for the base version: from the API when it is the base, else as if it ran as scheduled. */
function historyOf(
  base: BaseSide,
  baseSpec: DagSpec,
  now: Date,
): { lastRun: { dataIntervalEnd: Date } | null; first: Date | null } {
  if (base.kind === 'api') {
    const deployed = base.dags.find((d) => d.spec.dagId === baseSpec.dagId);
    return {
      lastRun: deployed?.lastScheduledEnd ? { dataIntervalEnd: deployed.lastScheduledEnd } : null,
      first: deployed?.firstScheduled ?? null,
    };
  }
  const h = scheduledHistory(baseSpec, now);
  return { lastRun: h.lastRun, first: h.firstLogicalDate };
}

function catchUpOf(diff: DagDiff, base: BaseSide, now: Date): CatchUp | null {
  const { head } = diff;
  if (!head) return null;
  // A new id (added or renamed) is a DAG the scheduler has never run.
  if (diff.kind === 'added' || diff.kind === 'renamed' || !diff.base) return catchUp(head, null, now);
  const history = historyOf(base, diff.base, now);
  return catchUp(head, history.lastRun, now, history.first);
}

export function buildPlan(head: { dags: PlanDag[]; errors: PlanError[] }, base: BaseSide, now: Date): Plan {
  const diffs = diffDags(base.dags, head.dags);
  const fileOf = new Map([...base.dags, ...head.dags].map((d) => [d.spec.dagId, d.fileLoc]));
  const counts: Plan['counts'] = { added: 0, removed: 0, renamed: 0, changed: 0, unchanged: 0 };
  const dags: DagPlan[] = diffs.map((diff) => {
    counts[diff.kind]++;
    const deployed =
      base.kind === 'api' ? base.dags.find((d) => d.spec.dagId === (diff.renamedFrom ?? diff.dagId)) : null;
    return {
      ...diff,
      fileLoc: fileOf.get(diff.dagId) ?? '',
      schedule: diff.kind === 'unchanged' ? null : schedulePlan(diff, now),
      catchUp: diff.kind === 'unchanged' || diff.kind === 'removed' ? null : catchUpOf(diff, base, now),
      inFlight: deployed ? deployed.inFlight : null,
    };
  });
  return {
    base: base.kind === 'git' ? { kind: 'git', ref: base.ref, commit: base.commit } : { kind: 'api', url: base.url },
    now,
    dags,
    errors: head.errors,
    baseErrors: base.kind === 'git' ? base.errors : [],
    counts,
  };
}

/** 0 nothing changes, 1 the work tree has import or type errors, 3 DAGs change. */
export function planExitCode(plan: Plan): 0 | 1 | 3 {
  if (plan.errors.length > 0) return 1;
  return plan.dags.some((d) => d.kind !== 'unchanged') ? 3 : 0;
}
