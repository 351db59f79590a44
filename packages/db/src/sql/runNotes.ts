/**
 * Notes people leave on a run, or on one of its task instances: one each,
 * replaced in place, with who wrote it last and when. A change and its audit
 * event are one transaction, and the event holds the text, so the audit log
 * keeps what a note said before it was replaced or deleted.
 */
import type { Pool } from 'pg';
import { recordAuditEvent } from './audit';
import { type Queryable, rows, withTransaction } from './queryable';

/** A run's own note has no task. */
const RUN_NOTE = '';

export interface RunNoteView {
  /** null for the run's own note. */
  taskId: string | null;
  text: string;
  author: string;
  createdAt: Date;
  updatedAt: Date;
}

interface RunNoteRow {
  task_id: string;
  text: string;
  author: string;
  created_at: Date;
  updated_at: Date;
}

const present = (r: RunNoteRow): RunNoteView => ({
  taskId: r.task_id === RUN_NOTE ? null : r.task_id,
  text: r.text,
  author: r.author,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Where a note goes: the run's row id, and the ids the audit event names. */
export interface RunNoteTarget {
  dagRunId: string;
  dagId: string;
  runId: string;
  /** null: the run's own note. */
  taskId: string | null;
}

/** Writes (or replaces) a note and records who did it. */
export async function setRunNote(pool: Pool, target: RunNoteTarget, text: string, actor: string): Promise<RunNoteView> {
  return withTransaction(pool, async (tx) => {
    const [row] = await rows<RunNoteRow>(
      tx,
      `INSERT INTO run_note (dag_run_id, task_id, text, author) VALUES ($1, $2, $3, $4)
       ON CONFLICT (dag_run_id, task_id) DO UPDATE
         SET text = EXCLUDED.text, author = EXCLUDED.author, updated_at = CURRENT_TIMESTAMP
       RETURNING task_id, text, author, created_at, updated_at`,
      [target.dagRunId, target.taskId ?? RUN_NOTE, text, actor],
    );
    if (!row) throw new Error(`storing the note of run "${target.runId}" returned no row`);
    await recordAuditEvent(tx, {
      actor,
      action: 'note_set',
      dagId: target.dagId,
      runId: target.runId,
      taskId: target.taskId,
      details: { text },
    });
    return present(row);
  });
}

/** Deletes a note and records who did it; false when there was none. */
export async function deleteRunNote(pool: Pool, target: RunNoteTarget, actor: string): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const [row] = await rows<{ text: string }>(
      tx,
      'DELETE FROM run_note WHERE dag_run_id = $1 AND task_id = $2 RETURNING text',
      [target.dagRunId, target.taskId ?? RUN_NOTE],
    );
    if (!row) return false;
    await recordAuditEvent(tx, {
      actor,
      action: 'note_delete',
      dagId: target.dagId,
      runId: target.runId,
      taskId: target.taskId,
      details: { text: row.text },
    });
    return true;
  });
}

/** A run's notes: its own first, then its task instances' by task id. */
export async function listRunNotes(db: Queryable, dagRunId: string): Promise<RunNoteView[]> {
  const found = await rows<RunNoteRow>(
    db,
    `SELECT task_id, text, author, created_at, updated_at FROM run_note WHERE dag_run_id = $1 ORDER BY task_id`,
    [dagRunId],
  );
  return found.map(present);
}
