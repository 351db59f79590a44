/** Task logs live in Postgres so the API serves them whichever machine ran the try. */
import { prepared, type Queryable } from './queryable';

export interface LogChunk {
  seq: number;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
}

const appendLogsStatement = prepared(
  'appendTaskLogs',
  `INSERT INTO task_log (task_instance_id, try_number, seq, stream, text)
     SELECT $1, $2, c.seq, c.stream, c.text FROM unnest($3::int[], $4::text[], $5::text[]) AS c(seq, stream, text)
     ON CONFLICT (task_instance_id, try_number, seq) DO NOTHING`,
);

export async function appendTaskLogs(
  db: Queryable,
  taskInstanceId: string,
  tryNumber: number,
  chunks: readonly LogChunk[],
): Promise<void> {
  if (chunks.length === 0) return;
  await db.query(appendLogsStatement([taskInstanceId, tryNumber, chunks.map((c) => c.seq), chunks.map((c) => c.stream), chunks.map((c) => c.text)]));
}

export interface LogRow {
  seq: number;
  stream: 'stdout' | 'stderr' | 'system';
  at: Date;
  text: string;
}

export async function readTaskLogs(
  db: Queryable,
  args: { taskInstanceId: string; tryNumber: number; afterSeq: number; limit: number },
): Promise<LogRow[]> {
  const res = await db.query<LogRow>(
    `SELECT seq, stream, created_at AS at, text FROM task_log
     WHERE task_instance_id = $1 AND try_number = $2 AND seq > $3
     ORDER BY seq LIMIT $4`,
    [args.taskInstanceId, args.tryNumber, args.afterSeq, args.limit],
  );
  return res.rows;
}

const readOutputsStatement = prepared(
  'readTaskOutputs',
  // One output probe per upstream (OFFSET 0 keeps the lateral subquery a
  // probe): joined, Postgres may hash the whole task_output table instead.
  `SELECT ti.task_id, o.value FROM task_instance ti
     CROSS JOIN LATERAL (SELECT value FROM task_output WHERE task_instance_id = ti.id OFFSET 0) o
     WHERE ti.dag_run_id = $1 AND ti.task_id = ANY($2::text[])`,
);

/** Outputs of the named tasks in a run, for a task reading its upstreams. */
export async function readTaskOutputs(
  db: Queryable,
  dagRunId: string,
  taskIds: readonly string[],
): Promise<Map<string, unknown>> {
  if (taskIds.length === 0) return new Map();
  const res = await db.query<{ task_id: string; value: unknown }>(readOutputsStatement([dagRunId, taskIds]));
  return new Map(res.rows.map((r) => [r.task_id, r.value]));
}
