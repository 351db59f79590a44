/** Task logs live in Postgres so the API serves them whichever machine ran the try. */
import { prepared, type Queryable } from './queryable';

/**
 * Postgres text and jsonb cannot hold U+0000. Sluice stores a NUL a task
 * printed, threw or returned as the six visible characters `\u0000`: in a
 * log line, in an error's message and stack, and in every string (and key)
 * of an output. A reader sees where the NUL was and nothing else is lost;
 * the only ambiguity is with a task that printed those six characters
 * itself.
 */
export const NUL_REPLACEMENT = '\\u0000';

/** `text` with every NUL written as the visible `\u0000`. */
export function escapeNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', NUL_REPLACEMENT) : text;
}

/** `value` with NULs escaped in every string and key: what Postgres' jsonb can store. */
export function withoutNul<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return escapeNul(value);
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeNul(k), clean(v)]));
  }
  return value;
}

/** JSON text whose strings hold no NUL (jsonb refuses the `\u0000` escape); unchanged when there is none. */
export function jsonWithoutNul(json: string): string {
  return json.includes('\\u0000') ? JSON.stringify(withoutNul(JSON.parse(json) as unknown)) : json;
}

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
  await db.query(
    appendLogsStatement([
      taskInstanceId,
      tryNumber,
      chunks.map((c) => c.seq),
      chunks.map((c) => c.stream),
      chunks.map((c) => escapeNul(c.text)),
    ]),
  );
}

/** The highest seq the try's log has, 0 when it has none: where a writer for a try resumed later goes on from. */
export async function lastTaskLogSeq(db: Queryable, taskInstanceId: string, tryNumber: number): Promise<number> {
  const res = await db.query<{ seq: number | null }>(
    `SELECT max(seq) AS seq FROM task_log WHERE task_instance_id = $1 AND try_number = $2`,
    [taskInstanceId, tryNumber],
  );
  return res.rows[0]?.seq ?? 0;
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
  // A mapped task's instances come in map-index order.
  `SELECT ti.task_id, ti.map_index, o.value, o.present FROM task_instance ti
     LEFT JOIN LATERAL (SELECT value, true AS present FROM task_output WHERE task_instance_id = ti.id OFFSET 0) o ON true
     WHERE ti.dag_run_id = $1 AND ti.task_id = ANY($2::text[])
     ORDER BY ti.task_id, ti.map_index`,
);

/**
 * Outputs of the named tasks in a run, for a task reading its upstreams. A
 * task in `mapped` gives the outputs of its instances as one array, in
 * map-index order, leaving out instances that recorded none (skipped,
 * failed, or returned nothing), as Airflow does; one expanded to nothing
 * gives an empty array.
 */
export async function readTaskOutputs(
  db: Queryable,
  dagRunId: string,
  taskIds: readonly string[],
  mapped: ReadonlySet<string> = new Set(),
): Promise<Map<string, unknown>> {
  if (taskIds.length === 0) return new Map();
  const res = await db.query<{ task_id: string; map_index: number; value: unknown; present: boolean | null }>(
    readOutputsStatement([dagRunId, taskIds]),
  );
  const outputs = new Map<string, unknown>();
  for (const id of taskIds) if (mapped.has(id)) outputs.set(id, []);
  for (const r of res.rows) {
    if (mapped.has(r.task_id)) {
      // An unexpanded instance (-1) has no item: only what expanded counts.
      if (r.map_index >= 0 && r.present === true) (outputs.get(r.task_id) as unknown[]).push(r.value);
    } else if (r.present === true) outputs.set(r.task_id, r.value);
  }
  return outputs;
}
