/**
 * Test support for statement tests: a DAG with one version, and runs of it
 * already started (running, every task instance `none`).
 */
import { createDagRun } from './createDagRun';
import type { Pool } from 'pg';
import { startQueuedRuns } from './startQueuedRuns';

/** Inserts DAG `dagId` with one version; returns the version's id. */
export async function createTestDag(db: Pool, dagId: string): Promise<string> {
  const version = await db.query<{ id: string }>(
    `WITH d AS (INSERT INTO dag (dag_id, file_loc) VALUES ($1, $1 || '.ts'))
     INSERT INTO dag_version (dag_id, hash, structure, bundle, file_loc) VALUES ($1, 'h1', '{}', '', $1 || '.ts') RETURNING id`,
    [dagId],
  );
  const id = version.rows[0]?.id;
  if (!id) throw new Error(`could not create test DAG ${dagId}`);
  return id;
}

export interface TestRunOptions {
  dagId: string;
  versionId: string;
  runId: string;
  taskIds: readonly string[];
  operator: string;
}

/** Creates and starts a run; returns its id and each task's task instance id. */
export async function startTestRun(
  db: Pool,
  o: TestRunOptions,
): Promise<{ runId: string; ti: Record<string, string> }> {
  const now = new Date();
  const created = await createDagRun(db, {
    dagId: o.dagId,
    runId: o.runId,
    runType: 'manual',
    logicalDate: now,
    dataIntervalStart: now,
    dataIntervalEnd: now,
    conf: {},
    dagVersionId: o.versionId,
    tasks: o.taskIds.map((taskId) => ({
      taskId,
      maxTries: 1,
      operator: o.operator,
      pool: 'default_pool',
      poolSlots: 1,
      priorityWeight: 1,
    })),
  });
  const runId = created?.id;
  if (!runId) throw new Error(`could not create run ${o.runId}`);
  await startQueuedRuns(db, o.dagId, 100);
  const rows = await db.query<{ id: string; task_id: string }>(
    'SELECT id, task_id FROM task_instance WHERE dag_run_id = $1',
    [runId],
  );
  return { runId, ti: Object.fromEntries(rows.rows.map((r) => [r.task_id, r.id])) };
}
