/**
 * A worker claims queued tries: `queued → running` (or a deferred try's
 * check: `deferred → running`), each conditional on the try number in its
 * job, so a duplicate job, a cleared task or a second worker all claim
 * nothing. One statement for any number of claims: the claim, the try row
 * and the run context come back together. `started_at` is the clock's time,
 * not the transaction's: a claim sent with a scheduling pass starts when it runs.
 */
import type { QueryConfig } from 'pg';
import { prepared, type Queryable } from './queryable';
import { ts, type TaskMove } from './states';
import { lockedInIdOrder } from './lockOrder';

export const moves: readonly TaskMove[] = [
  // A queued try, or a deferred try's check.
  { from: ['queued', 'deferred'], to: 'running' },
  // The fast path's promote-and-claim, through the states no other transaction sees.
  { from: ['none', 'up_for_retry'], via: ['scheduled', 'queued'], to: 'running' },
  { from: ['scheduled'], via: ['queued'], to: 'running' },
];

export interface ClaimedTry {
  taskInstanceId: string;
  dagRunId: string;
  dagId: string;
  taskId: string;
  tryNumber: number;
  maxTries: number;
  operator: string;
  startedAt: Date;
  runId: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
  dagVersionId: string;
  /** A mapped task's instance: 0..n-1; -1 for an unmapped task. */
  mapIndex: number;
  /** The item a mapped task's instance runs with; null for an unmapped task. */
  mapItem: unknown;
  /** manual | scheduled | backfill | asset_triggered: an asset-triggered run's tasks get its events. */
  runType: string;
}

export interface ClaimArgs {
  taskInstanceId: string;
  tryNumber: number;
  hostname: string;
  from?: 'queued' | 'deferred';
}

/** What both claim statements do with the rows they claimed: a try row, and the run's facts back. */
const CLAIMED_TAIL = `tried AS (
       INSERT INTO task_try (task_instance_id, try_number, state, started_at, hostname)
       SELECT id, try_number, ${ts.running}, started_at, hostname FROM claimed
       ON CONFLICT (task_instance_id, try_number) DO UPDATE
         SET state = ${ts.running}, hostname = EXCLUDED.hostname
     )
     SELECT c.id AS "taskInstanceId", c.dag_run_id AS "dagRunId", c.dag_id AS "dagId", c.task_id AS "taskId",
            c.try_number AS "tryNumber", c.max_tries AS "maxTries", c.operator, c.started_at AS "startedAt",
            r.run_id AS "runId", r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
            r.data_interval_end AS "dataIntervalEnd", r.conf, r.dag_version_id AS "dagVersionId",
            c.map_index AS "mapIndex", c.map_item AS "mapItem",
            r.run_type AS "runType"
     FROM claimed c JOIN dag_run r ON r.id = c.dag_run_id`;

const claimStatement = prepared(
  'claimTaskTries',
  `WITH c AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS c(id, try, hostname, from_state)
     ), ${lockedInIdOrder('c', 'ti.id = c.id AND ti.state = c.from_state AND ti.try_number = c.try')}, claimed AS (
       UPDATE task_instance ti SET state = ${ts.running},
         started_at = COALESCE(CASE WHEN c.from_state = ${ts.deferred} THEN ti.started_at END, clock_timestamp()),
         hostname = c.hostname, heartbeat_at = now(), updated_at = now()
       FROM c JOIN locked ON locked.id = c.id WHERE ti.id = c.id
       RETURNING ti.id, ti.dag_run_id, ti.dag_id, ti.task_id, ti.try_number, ti.max_tries, ti.operator, ti.started_at, ti.hostname,
         ti.map_index, ti.map_item
     ), ${CLAIMED_TAIL}`,
);

/**
 * A task promoted and claimed at once, for the worker whose try just ended
 * (the fast path's `claimFirstFor`): `none`/`scheduled`/`up_for_retry` →
 * `running` on its next try in one write, conditional on the state and try
 * it was decided from. The states it passes through (scheduled, queued) are
 * the ones the state machine allows; no other transaction can see them.
 */
const promoteAndClaimStatement = prepared(
  'promoteAndClaimTaskTries',
  `WITH c AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS c(id, try, hostname, from_state)
     ), ${lockedInIdOrder('c', 'ti.id = c.id AND ti.state = c.from_state AND ti.try_number = c.try - 1')}, claimed AS (
       UPDATE task_instance ti SET state = ${ts.running}, try_number = c.try, queued_at = now(), next_retry_at = NULL,
         started_at = clock_timestamp(), ended_at = NULL, duration_ms = NULL,
         hostname = c.hostname, heartbeat_at = now(), updated_at = now()
       FROM c JOIN locked ON locked.id = c.id WHERE ti.id = c.id
       RETURNING ti.id, ti.dag_run_id, ti.dag_id, ti.task_id, ti.try_number, ti.max_tries, ti.operator, ti.started_at, ti.hostname,
         ti.map_index, ti.map_item
     ), ${CLAIMED_TAIL}`,
);

/** The promote-and-claim statement; `from` is the state the task was decided from, `tryNumber` the try it starts. */
export function promoteAndClaimTriesStatement(
  claims: ReadonlyArray<{ taskInstanceId: string; tryNumber: number; hostname: string; from: string }>,
): QueryConfig {
  return promoteAndClaimStatement([
    claims.map((c) => c.taskInstanceId),
    claims.map((c) => c.tryNumber),
    claims.map((c) => c.hostname),
    claims.map((c) => c.from),
  ]);
}

/** The claim statement for these tries; its rows are ClaimedTry. Also sent in a scheduling pass's batch. */
export function claimTriesStatement(claims: readonly ClaimArgs[]): QueryConfig {
  return claimStatement([
    claims.map((c) => c.taskInstanceId),
    claims.map((c) => c.tryNumber),
    claims.map((c) => c.hostname),
    claims.map((c) => c.from ?? 'queued'),
  ]);
}

/** The claimed tries, in the order asked; null where there was nothing to claim. */
export async function claimTaskTries(db: Queryable, claims: readonly ClaimArgs[]): Promise<Array<ClaimedTry | null>> {
  if (claims.length === 0) return [];
  const res = await db.query<ClaimedTry>(claimTriesStatement(claims));
  return claimedInOrder(claims, res.rows);
}

/** The claim statement's rows matched to the claims asked, in their order. */
export function claimedInOrder(claims: readonly ClaimArgs[], rows: readonly ClaimedTry[]): Array<ClaimedTry | null> {
  const byKey = new Map(rows.map((r) => [`${r.taskInstanceId}/${r.tryNumber}`, r]));
  return claims.map((c) => byKey.get(`${c.taskInstanceId}/${c.tryNumber}`) ?? null);
}

export async function claimTaskTry(db: Queryable, args: ClaimArgs): Promise<ClaimedTry | null> {
  const [claimed] = await claimTaskTries(db, [args]);
  return claimed ?? null;
}
