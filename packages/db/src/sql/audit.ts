import type { Queryable } from './queryable';

export type AuditAction =
  | 'trigger'
  | 'clear'
  | 'clear_run'
  | 'clear_range'
  | 'backfill_create'
  | 'backfill_pause'
  | 'backfill_resume'
  | 'backfill_cancel'
  | 'pause'
  | 'unpause'
  | 'mark_success'
  | 'mark_failed'
  | 'mark_run_success'
  | 'mark_run_failed'
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'token_create'
  | 'token_revoke'
  | 'token_use'
  | 'user_create'
  | 'user_update'
  | 'user_delete'
  | 'connection_set'
  | 'connection_delete'
  | 'variable_set'
  | 'variable_delete'
  | 'note_set'
  | 'note_delete'
  | 'pool_set'
  | 'pool_delete'
  | 'asset_event';

export interface AuditEventInput {
  actor: string;
  action: AuditAction;
  dagId?: string | null;
  runId?: string | null;
  taskId?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAuditEvent(db: Queryable, e: AuditEventInput): Promise<void> {
  await db.query(
    `INSERT INTO audit_event (actor, action, dag_id, run_id, task_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [e.actor, e.action, e.dagId ?? null, e.runId ?? null, e.taskId ?? null, JSON.stringify(e.details ?? {})],
  );
}

export interface AuditEventRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  dagId: string | null;
  runId: string | null;
  taskId: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  dagId?: string;
  /** Only events after this instant. */
  since?: Date;
  /** Keyset cursor: only events with a smaller id (older). */
  beforeId?: string;
  limit: number;
  /**
   * When set, only events about these DAGs; events about no DAG (sign-ins,
   * connections) are left out too. Undefined: everything (admins).
   */
  visibleDagIds?: readonly string[];
  /** With `visibleDagIds`: this actor's own events are shown whatever they are about. */
  ownActor?: string;
}

/** Newest first, one page; `nextBeforeId` continues after the last row, null at the end. */
export async function listAuditEvents(
  db: Queryable,
  q: AuditQuery,
): Promise<{ items: AuditEventRow[]; nextBeforeId: string | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: (n: number) => string, value: unknown) => {
    values.push(value);
    where.push(clause(values.length));
  };
  if (q.actor !== undefined) add((n) => `actor = $${n}`, q.actor);
  if (q.action !== undefined) add((n) => `action = $${n}`, q.action);
  if (q.dagId !== undefined) add((n) => `dag_id = $${n}`, q.dagId);
  if (q.since !== undefined) add((n) => `at >= $${n}`, q.since);
  if (q.beforeId !== undefined) add((n) => `id < $${n}::bigint`, q.beforeId);
  if (q.visibleDagIds !== undefined) {
    values.push(q.visibleDagIds, q.ownActor ?? null);
    const n = values.length;
    where.push(`(dag_id = ANY($${n - 1}::text[]) OR actor = $${n})`);
  }
  values.push(q.limit + 1);
  // ORDER BY names the table's column: a bare `id` would be the text of the SELECT list, where '9' > '10'.
  const res = await db.query<{
    id: string;
    at: Date;
    actor: string;
    action: string;
    dag_id: string | null;
    run_id: string | null;
    task_id: string | null;
    details: Record<string, unknown>;
  }>(
    `SELECT id::text, at, actor, action, dag_id, run_id, task_id, details FROM audit_event
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY audit_event.id DESC LIMIT $${values.length}`,
    values,
  );
  const page = res.rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      dagId: r.dag_id,
      runId: r.run_id,
      taskId: r.task_id,
      details: r.details,
    })),
    nextBeforeId: res.rows.length > q.limit && last ? last.id : null,
  };
}
