/**
 * The common pass, which only promotes tasks: every write and the commit in
 * one round trip. A later write of a task whose earlier one found it moved
 * is still conditional on the state it needs, so it applies only if that
 * state is there; what applied is what gets enqueued.
 */
import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import type { TaskDecision, TaskInstanceState } from '@sluice/core';
import { claimTriesStatement, promoteAndClaimTriesStatement, type ClaimedTry } from './claimTaskTry';
import {
  NO_FLUSH_WAIT,
  promoteTasks,
  type Claimant,
  type Decisions,
  type DecisionWrites,
  type Enqueue,
  type ScheduleRunResult,
} from './decisionWrites';
import { sendBatch } from './queryable';
import type { RunSnapshot } from './runSnapshot';

interface Straight {
  from: TaskInstanceState;
  enqueue: Enqueue;
}

/** Tasks decided `→ scheduled` then enqueued: written once, conditional on both (a row version fewer in six indexes). */
function straightThrough(w: DecisionWrites, perTask: ReadonlyMap<string, readonly TaskDecision[]>): Straight[] {
  const straight: Straight[] = [];
  for (const [taskId, ds] of perTask) {
    const [set, enqueue] = ds;
    if (
      ds.length === 2 &&
      set?.type === 'set_state' &&
      set.to === 'scheduled' &&
      enqueue?.type === 'enqueue' &&
      w.byTask.has(taskId)
    ) {
      straight.push({ from: set.from, enqueue });
    }
  }
  return straight;
}

export async function applyPromotions(
  client: PoolClient,
  snapshot: RunSnapshot,
  decisions: Decisions,
  w: DecisionWrites,
  claimFor: Claimant | null,
): Promise<ScheduleRunResult> {
  const statements: QueryConfig[] = [];
  const onResult: Array<(res: QueryResult) => void> = [];
  const perTask = new Map<string, TaskDecision[]>();
  for (const d of decisions.tasks) perTask.set(d.taskId, [...(perTask.get(d.taskId) ?? []), d]);
  const straight = straightThrough(w, perTask);
  // The try claimed for the caller goes from the state it was decided from
  // to running in one write (promoteAndClaim), not promoted and then claimed.
  const first =
    claimFor === null
      ? undefined
      : decisions.tasks.find(
          (d): d is Enqueue => d.type === 'enqueue' && claimFor.queues.has(w.byTask.get(d.taskId)?.queue ?? ''),
        );
  const firstTi = first ? w.byTask.get(first.taskId) : undefined;
  const firstStraight = straight.findIndex((p) => p.enqueue === first);
  // Promoted straight through, or already scheduled (its only decision the enqueue).
  const firstFrom =
    straight[firstStraight]?.from ?? (first && perTask.get(first.taskId)?.length === 1 ? 'scheduled' : null);
  const claim =
    first && firstTi && claimFor !== null
      ? { taskInstanceId: firstTi.id, tryNumber: first.tryNumber, hostname: claimFor.hostname }
      : null;
  if (claim && firstFrom !== null && firstStraight >= 0) straight.splice(firstStraight, 1);
  if (straight.length > 0) {
    statements.push(
      promoteTasks([
        straight.map((p) => w.byTask.get(p.enqueue.taskId)?.id),
        straight.map((p) => p.from),
        straight.map((p) => p.enqueue.tryNumber),
      ]),
    );
    onResult.push((res) =>
      w.enqueuesApplied(
        straight.map((p) => p.enqueue),
        res,
      ),
    );
  }
  const promoted = new Set(straight.map((p) => p.enqueue.taskId));
  if (claim && firstFrom !== null && first) promoted.add(first.taskId);
  for (const round of w.rounds.map((r) => r.filter((d) => !promoted.has(d.taskId)))) {
    const s = w.sets(round);
    if (s.length > 0) {
      statements.push(w.setStatement(s));
      onResult.push((res) => w.setsApplied(s, res));
    }
    const e = w.enqueues(round);
    if (e.length > 0) {
      statements.push(w.enqueueStatement(e));
      onResult.push((res) => w.enqueuesApplied(e, res));
    }
  }
  if (claim)
    statements.push(
      firstFrom !== null
        ? promoteAndClaimTriesStatement([{ ...claim, from: firstFrom }])
        : claimTriesStatement([claim]),
    );
  const results = await sendBatch(client, [...statements, NO_FLUSH_WAIT, 'COMMIT']);
  onResult.forEach((apply, i) => {
    apply(results[i] as QueryResult);
  });
  const claimed = claim ? ((results[onResult.length]?.rows[0] as ClaimedTry | undefined) ?? null) : null;
  return {
    enqueued: claimed ? w.enqueued.filter((e) => e.taskInstanceId !== claimed.taskInstanceId) : w.enqueued,
    finished: w.finished,
    interrupted: [],
    resumed: [],
    runState: snapshot.run.state,
    claimed,
  };
}
