/**
 * Cancel requests: the durable intent to stop a try's external job (an EMR
 * step, a Glue run). Recorded in the same transaction that takes the try
 * away (clear, mark, timeout), so a crash or a lost Redis job cannot forget
 * it; a worker makes the attempts, one at a time per request (an attempt is
 * claimed by pushing `next_attempt_at` past a lease), and the request is
 * done when AWS says the job ended. Statements here change no task state.
 */
import type { InterruptedTry } from './interrupted';
import type { Queryable } from './queryable';
import { taskStatesSql } from './states';

/**
 * Records that the external jobs of `tries` are to be stopped. A try already
 * asked for keeps its first request (and its attempts so far).
 */
export async function recordCancelRequests(
  db: Queryable,
  tries: readonly InterruptedTry[],
  reason: string,
): Promise<void> {
  if (tries.length === 0) return;
  await db.query(
    `INSERT INTO cancel_request (task_instance_id, try_number, reason)
     SELECT t.id, t.try, $3 FROM unnest($1::uuid[], $2::int[]) AS t(id, try)
     ON CONFLICT (task_instance_id, try_number) DO NOTHING`,
    [tries.map((t) => t.taskInstanceId), tries.map((t) => t.tryNumber), reason],
  );
}

/**
 * For a worker that stopped its try (its executionTimeout, or its heartbeat
 * found the try taken): records the request, or reopens one already done —
 * the worker may have submitted after an earlier attempt found nothing to
 * stop. With `unlessLive`, nothing is asked while the try is live under the
 * same number (the scheduler resumed it as deferred for another worker to
 * wait on: its job is not to be stopped). Returns whether the try has a
 * request to attempt now.
 */
export async function recordCancelAfterStop(
  db: Queryable,
  t: InterruptedTry,
  reason: string,
  opts: { unlessLive: boolean },
): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO cancel_request (task_instance_id, try_number, reason)
     SELECT $1, $2, $3
     WHERE NOT $4 OR NOT EXISTS (SELECT 1 FROM task_instance WHERE id = $1 AND try_number = $2 AND state IN (${taskStatesSql(['running', 'deferred'])}))
     ON CONFLICT (task_instance_id, try_number) DO UPDATE SET done_at = NULL,
       next_attempt_at = CASE WHEN cancel_request.done_at IS NULL THEN cancel_request.next_attempt_at ELSE now() END
     RETURNING 1`,
    [t.taskInstanceId, t.tryNumber, reason, opts.unlessLive],
  );
  return res.rowCount === 1;
}

export interface CancelAttempt {
  /** This attempt's number, from 1. */
  attempt: number;
  reason: string;
  requestedAt: Date;
}

/**
 * Takes the next attempt of a request that is due and not done: counts it
 * and holds the request for `leaseMs`, so a duplicate job or the scheduler's
 * re-enqueue does not attempt it at the same time. Null when there is
 * nothing to do now.
 */
export async function claimCancelAttempt(
  db: Queryable,
  args: { taskInstanceId: string; tryNumber: number; leaseMs: number },
): Promise<CancelAttempt | null> {
  const res = await db.query<CancelAttempt>(
    `UPDATE cancel_request SET attempts = attempts + 1, next_attempt_at = now() + $3 * interval '1 millisecond'
     WHERE task_instance_id = $1 AND try_number = $2 AND done_at IS NULL AND next_attempt_at <= now()
     RETURNING attempts AS attempt, reason, requested_at AS "requestedAt"`,
    [args.taskInstanceId, args.tryNumber, args.leaseMs],
  );
  return res.rows[0] ?? null;
}

/**
 * Ends an attempt: `done` when the job ended (or there is nothing left to
 * try), else the next attempt is due in `retryInMs`. Returns when that is
 * (null when done).
 */
export async function finishCancelAttempt(
  db: Queryable,
  args: { taskInstanceId: string; tryNumber: number; done: boolean; error: string | null; retryInMs: number },
): Promise<Date | null> {
  const res = await db.query<{ next: Date | null }>(
    `UPDATE cancel_request SET last_error = $4,
       done_at = CASE WHEN $3 THEN now() ELSE NULL END,
       next_attempt_at = now() + $5 * interval '1 millisecond'
     WHERE task_instance_id = $1 AND try_number = $2
     RETURNING CASE WHEN done_at IS NULL THEN next_attempt_at END AS next`,
    [args.taskInstanceId, args.tryNumber, args.done, args.error, args.retryInMs],
  );
  return res.rows[0]?.next ?? null;
}

/**
 * Requests not done whose next attempt was due before `dueBefore`: their
 * job may be lost with Redis, or their worker died mid-attempt.
 */
export async function listDueCancelRequests(
  db: Queryable,
  dueBefore: Date,
): Promise<Array<{ taskInstanceId: string; tryNumber: number; dueAt: Date }>> {
  const res = await db.query<{ taskInstanceId: string; tryNumber: number; dueAt: Date }>(
    `SELECT task_instance_id AS "taskInstanceId", try_number AS "tryNumber", next_attempt_at AS "dueAt" FROM cancel_request
     WHERE done_at IS NULL AND next_attempt_at < $1 ORDER BY next_attempt_at LIMIT 1000`,
    [dueBefore],
  );
  return res.rows;
}

/** The tries of a task instance whose external job was asked to stop: a later try must not adopt it. */
export async function readCancelledTries(db: Queryable, taskInstanceId: string): Promise<number[]> {
  const res = await db.query<{ tryNumber: number }>(
    `SELECT try_number AS "tryNumber" FROM cancel_request WHERE task_instance_id = $1 ORDER BY try_number`,
    [taskInstanceId],
  );
  return res.rows.map((r) => r.tryNumber);
}

/**
 * The worker that ran the try may still write its own numbered lines from
 * memory; lines about a cancel are numbered from far above the last line
 * written, so neither overwrites the other.
 */
const CANCEL_LOG_SEQ_FLOOR = 1_000_000;

/**
 * Appends a line to the try's log (system stream) after whatever it holds,
 * the sequence number taken from the database; taken again if another
 * writer got there first.
 */
export async function appendCancelLog(
  db: Queryable,
  taskInstanceId: string,
  tryNumber: number,
  text: string,
): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    const res = await db.query(
      `INSERT INTO task_log (task_instance_id, try_number, seq, stream, text)
       SELECT $1, $2, GREATEST(COALESCE(max(seq), 0), $4) + 1, 'system', $3
       FROM task_log WHERE task_instance_id = $1 AND try_number = $2
       ON CONFLICT (task_instance_id, try_number, seq) DO NOTHING`,
      [taskInstanceId, tryNumber, text.endsWith('\n') ? text : `${text}\n`, CANCEL_LOG_SEQ_FLOOR],
    );
    if (res.rowCount === 1) return;
  }
  throw new Error(`could not number a log line of try ${tryNumber} of ${taskInstanceId}`);
}
