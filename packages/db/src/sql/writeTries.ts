/**
 * A worker's claims and finishes, as many as are waiting, in one round trip
 * and one transaction: one commit where they would take one each.
 *
 * A batch that ends a try commits synchronously: a finish records what user
 * code did and must survive a Postgres crash. A batch of claims only does
 * not wait for the WAL flush: a claim lost in a Postgres crash leaves its try
 * queued while the worker runs it; the worker's finish then finds the try
 * not its own, drops the outcome and the try runs again (at-least-once, as
 * for any crash). An EMR or Glue operator records its submit marker
 * synchronously before calling AWS, which flushes the claim with it; so does
 * any later synchronous commit, the WAL being one sequence. ADR 0007.
 */
import type { Pool } from 'pg';
import { claimTriesStatement, claimedInOrder, type ClaimArgs, type ClaimedTry } from './claimTaskTry';
import {
  afterFinish,
  finishTriesStatement,
  type FinishRow,
  type FinishTryArgs,
  type FinishedTry,
} from './finishTaskTry';
import { sendBatch } from './queryable';
import { NO_FLUSH_WAIT } from './decisionWrites';
import type { TaskMove } from './states';

/**
 * Nothing of its own: the batch is claimTaskTry's and finishTaskTry's
 * statements, whose modules declare their moves.
 */
export const moves: readonly TaskMove[] = [];

export interface TryWrites {
  claims: readonly ClaimArgs[];
  finishes: readonly FinishTryArgs[];
}

export interface TryWritesDone {
  /** Per claim, in order: the claimed try, or null where there was nothing to claim. */
  claimed: Array<ClaimedTry | null>;
  /** Per finish, in order: what it finished, or null where the try was not the running one. */
  finished: Array<FinishedTry | null>;
}

export async function writeTries(pool: Pool, writes: TryWrites): Promise<TryWritesDone> {
  const { claims, finishes } = writes;
  if (claims.length === 0 && finishes.length === 0) return { claimed: [], finished: [] };
  const statements = [
    'BEGIN',
    ...(finishes.length > 0 ? [finishTriesStatement(finishes)] : []),
    ...(claims.length > 0 ? [claimTriesStatement(claims)] : []),
  ];
  if (finishes.length === 0) statements.push(NO_FLUSH_WAIT);
  statements.push('COMMIT');
  const client = await pool.connect();
  let results: Awaited<ReturnType<typeof sendBatch>>;
  try {
    results = await sendBatch(client, statements);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  const finishRows = finishes.length > 0 ? ((results[1]?.rows ?? []) as FinishRow[]) : [];
  const claimRows = claims.length > 0 ? ((results[finishes.length > 0 ? 2 : 1]?.rows ?? []) as ClaimedTry[]) : [];
  return { claimed: claimedInOrder(claims, claimRows), finished: await afterFinish(pool, finishes, finishRows) };
}
