/**
 * Applying a scheduling pass's decisions, as conditional writes in the
 * pass's transaction (which this commits). A pass that only promotes tasks
 * goes in one round trip (applyPromotions); one that ends or resumes tries,
 * or decides the run, applies them in order, round by round.
 */
import type { PoolClient } from 'pg';
import type { DagRunState, RunDecision, TaskDecision, TryFailureCause } from '@sluice/core';
import { applyPromotions } from './applyPromotions';
import {
  NO_FLUSH_WAIT,
  enqueueMoves,
  promoteMoves,
  promotesOnly,
  setStatesMoves,
  startWrites,
  type Claimant,
  type Decisions,
  type DecisionWrites,
  type ScheduleRunResult,
} from './decisionWrites';
import { failTaskTries, moves as failMoves } from './failTaskTries';
import { recordCancelRequests } from './cancelRequests';
import { interruptedTries, type InterruptedRow, type InterruptedTry } from './interrupted';
import { moves as runTimeoutMoves, skipTimedOutTasksStatement } from './runTimeout';
import { sendBatch } from './queryable';
import type { RunSnapshot } from './runSnapshot';
import { rs, ts, type RunMove, type TaskMove } from './states';

const resumeMoves: readonly TaskMove[] = [{ from: ['running'], to: 'deferred' }];

/** Every task move a scheduling pass may write. */
export const moves: readonly TaskMove[] = [
  ...setStatesMoves,
  ...promoteMoves,
  ...enqueueMoves,
  ...resumeMoves,
  ...failMoves,
  ...runTimeoutMoves,
];
/** Every run move a scheduling pass may write. */
export const runMoves: readonly RunMove[] = [
  { from: ['running'], to: 'success' },
  { from: ['running'], to: 'failed' },
];

/** The error recorded on a try the scheduler ended, by why it ended it. */
const errorNameOf: Record<TryFailureCause, string> = {
  execution_timeout: 'TaskTimeoutError',
  heartbeat_lost: 'ZombieTaskError',
};

export async function applyDecisions(
  client: PoolClient,
  snapshot: RunSnapshot,
  decisions: Decisions,
  claimFor: Claimant | null,
): Promise<ScheduleRunResult> {
  const w = startWrites(snapshot, decisions);
  if (promotesOnly(decisions)) return applyPromotions(client, snapshot, decisions, w, claimFor);

  const interrupted: InterruptedTry[] = [];
  const resumed: ScheduleRunResult['resumed'] = [];
  for (const round of w.rounds) {
    const live = round.filter((d) => !w.stale.has(d.taskId));
    const s = w.sets(live);
    if (s.length > 0) w.setsApplied(s, await client.query(w.setStatement(s)));
    const e = w.enqueues(live);
    if (e.length > 0) w.enqueuesApplied(e, await client.query(w.enqueueStatement(e)));
    for (const d of live) await applyTryEnd(client, w, d, { interrupted, resumed });
  }

  let runState: DagRunState | null = snapshot.run.state;
  // A write that found its task moved makes the run's decision stale too;
  // and a try resumed instead of failed is not what it assumed either.
  const run = w.stale.size > 0 || resumed.length > 0 ? null : decisions.run;
  if (run) {
    const ended = await applyRunDecision(client, snapshot, run);
    w.finished.push(...ended.skipped);
    interrupted.push(...ended.interrupted);
    if (ended.runState !== null) runState = ended.runState;
  }
  // Jobs of tries this pass took away are cancelled for sure: the request commits with the pass.
  await recordCancelRequests(client, interrupted, 'timed out');
  await sendBatch(client, [NO_FLUSH_WAIT, 'COMMIT']);
  return { enqueued: w.enqueued, finished: w.finished, interrupted, resumed, runState, claimed: null };
}

/** A try the scheduler ended (fail_try) or handed to another worker (resume_deferred); other decisions pass. */
async function applyTryEnd(
  client: PoolClient,
  w: DecisionWrites,
  d: TaskDecision,
  out: { interrupted: InterruptedTry[]; resumed: ScheduleRunResult['resumed'] },
): Promise<void> {
  const ti = w.byTask.get(d.taskId);
  if (!ti) return;
  if (d.type === 'resume_deferred') {
    const res = await client.query<{ due: Date }>(
      `UPDATE task_instance SET state = ${ts.deferred}, next_retry_at = now(), heartbeat_at = NULL, hostname = NULL, updated_at = now()
       WHERE id = $1 AND state = ${ts.running} AND try_number = $2
       RETURNING next_retry_at AS due`,
      [ti.id, d.tryNumber],
    );
    const row = res.rows[0];
    if (row) out.resumed.push({ taskInstanceId: ti.id, tryNumber: d.tryNumber, dueAt: row.due.getTime() });
    else w.stale.add(d.taskId);
    return;
  }
  if (d.type !== 'fail_try') return;
  const [applied] = await failTaskTries(client, [
    {
      taskInstanceId: ti.id,
      taskId: d.taskId,
      from: d.from,
      tryNumber: d.tryNumber,
      to: d.to,
      nextRetryAt: d.nextRetryAt,
      error: { name: errorNameOf[d.cause], message: d.reason },
    },
  ]);
  if (!applied) {
    w.stale.add(d.taskId);
    return;
  }
  if (d.to === 'failed') w.finished.push(d.taskId);
  if (ti.hasExternal) out.interrupted.push({ taskInstanceId: ti.id, tryNumber: d.tryNumber });
}

/** Ends the run as decided; a run that hit its dagrunTimeout first has what it left unfinished skipped. */
async function applyRunDecision(
  client: PoolClient,
  snapshot: RunSnapshot,
  run: RunDecision,
): Promise<{ skipped: string[]; interrupted: InterruptedTry[]; runState: DagRunState | null }> {
  const skipped: string[] = [];
  const interrupted: InterruptedTry[] = [];
  if (run.type === 'fail_run_timeout') {
    // Airflow skips what a timed-out run left unfinished; a worker running
    // one of them sees at its next heartbeat that the try is no longer its.
    // The tries it stops are closed in the same statement (runTimeout.ts).
    const res = await client.query<{ task_id: string } & InterruptedRow>(skipTimedOutTasksStatement, [
      snapshot.run.id,
      run.unfinishedTaskIds,
    ]);
    skipped.push(...res.rows.map((r) => r.task_id));
    interrupted.push(...interruptedTries(res.rows));
  }
  const to = run.type === 'finish_run' ? run.to : 'failed';
  const res = await client.query(
    `UPDATE dag_run SET state = $2, ended_at = now(), updated_at = now() WHERE id = $1 AND state = ${rs.running}`,
    [snapshot.run.id, to],
  );
  return { skipped, interrupted, runState: res.rowCount === 1 ? to : null };
}
