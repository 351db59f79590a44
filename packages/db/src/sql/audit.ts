import type { Queryable } from './queryable';

export type AuditAction =
  | 'trigger'
  | 'clear'
  | 'pause'
  | 'unpause'
  | 'mark_success'
  | 'mark_failed'
  | 'mark_run_success'
  | 'mark_run_failed'
  | 'connection_set'
  | 'connection_delete'
  | 'variable_set'
  | 'variable_delete';

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
