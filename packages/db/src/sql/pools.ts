/**
 * Pools: slots shared by tasks across DAGs (a task takes `poolSlots` of its
 * pool while queued, running or deferred; the scheduling pass counts them).
 * A pool with no row limits nothing. A change and its audit event are one
 * transaction.
 */
import type { Pool } from 'pg';
import { recordAuditEvent } from './audit';
import { type Queryable, rows, withTransaction } from './queryable';
import { ts } from './states';

export interface PoolInput {
  name: string;
  slots: number;
  description?: string | undefined;
}

/** A pool and the slots its tasks hold now. */
export interface PoolView {
  name: string;
  slots: number;
  description: string | null;
  /** Slots of tries running (or deferred on an external job). */
  running: number;
  /** Slots of tries queued for a worker. */
  queued: number;
}

const WITH_OCCUPANCY = `
  SELECT p.name, p.slots, p.description,
         COALESCE(sum(ti.pool_slots) FILTER (WHERE ti.state IN (${ts.running}, ${ts.deferred})), 0)::int AS running,
         COALESCE(sum(ti.pool_slots) FILTER (WHERE ti.state = ${ts.queued}), 0)::int AS queued
  FROM pool p
  LEFT JOIN task_instance ti ON ti.pool = p.name AND ti.state IN (${ts.queued}, ${ts.running}, ${ts.deferred})`;

/** Every pool, by name, with its occupancy. */
export async function listPools(db: Queryable): Promise<PoolView[]> {
  return rows<PoolView>(db, `${WITH_OCCUPANCY} GROUP BY p.name ORDER BY p.name`);
}

/** One pool with its occupancy; null when there is none. */
export async function findPool(db: Queryable, name: string): Promise<PoolView | null> {
  const [row] = await rows<PoolView>(db, `${WITH_OCCUPANCY} WHERE p.name = $1 GROUP BY p.name`, [name]);
  return row ?? null;
}

/** Creates or resizes a pool and records who did it. */
export async function setPool(pool: Pool, input: PoolInput, actor: string): Promise<PoolView> {
  return withTransaction(pool, async (tx) => {
    const [row] = await rows<{ created: boolean }>(
      tx,
      `INSERT INTO pool (name, slots, description) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET slots = EXCLUDED.slots, description = EXCLUDED.description
       RETURNING (xmax = 0) AS created`,
      [input.name, input.slots, input.description ?? null],
    );
    await recordAuditEvent(tx, {
      actor,
      action: 'pool_set',
      details: { name: input.name, slots: input.slots, created: row?.created ?? false },
    });
    const view = await findPool(tx, input.name);
    if (!view) throw new Error(`storing pool "${input.name}" returned no row`);
    return view;
  });
}

/** Deletes a pool (its tasks are no longer limited) and records who did it; false when there was none. */
export async function deletePool(pool: Pool, name: string, actor: string): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const res = await tx.query('DELETE FROM pool WHERE name = $1', [name]);
    if (res.rowCount === 0) return false;
    await recordAuditEvent(tx, { actor, action: 'pool_delete', details: { name } });
    return true;
  });
}
