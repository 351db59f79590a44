/**
 * Expanding a mapped task (core/mapping.ts), in the scheduling pass's
 * transaction: its one instance (map index -1) becomes instance 0 and
 * instances 1..n-1 are added, each with its item, in one statement that
 * reads the items straight from the stored upstream outputs (jsonb path,
 * `jsonb_array_elements WITH ORDINALITY`, a cross join for a product). An
 * empty list skips the task; a list that is not one, or is longer than the
 * DAG's maxMapLength, fails it with a try whose error says why.
 *
 * Idempotent: every write is conditional on the instance still being the
 * unexpanded `none` one, so a second expansion of it changes nothing.
 */
import type { PoolClient } from 'pg';
import { expansionOf, mapSources, type Expansion, type MapSource, type SourceLength, type TaskMap } from '@sluice/core';
import { ts, type TaskMove } from './states';

export const moves: readonly TaskMove[] = [
  { from: ['none'], to: 'skipped' },
  { from: ['none'], to: 'failed' },
];

export interface MappedTaskToExpand {
  /** The task instance with map index -1. */
  taskInstanceId: string;
  dagRunId: string;
  taskId: string;
  map: TaskMap;
  maxMapLength: number;
}

/** SQL for the jsonb value a source holds, with its parameters appended to `params`. */
function sourceSql(source: MapSource, dagRunId: string, params: unknown[]): string {
  if (source.from === 'list') {
    params.push(JSON.stringify(source.items));
    return `$${params.length}::jsonb`;
  }
  params.push(dagRunId, source.taskId, source.path);
  const [run, task, path] = [params.length - 2, params.length - 1, params.length];
  return `(SELECT o.value #> $${path}::text[] FROM task_instance ti JOIN task_output o ON o.task_instance_id = ti.id
           WHERE ti.dag_run_id = $${run}::uuid AND ti.task_id = $${task}::text AND ti.map_index = -1)`;
}

const typeWords: Record<string, string> = {
  object: 'an object',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
};

/** What each source holds now: its length, or what it is instead of a list. */
async function sourceLengths(client: PoolClient, task: MappedTaskToExpand): Promise<SourceLength[]> {
  const params: unknown[] = [];
  const selects = mapSources(task.map).map(
    ({ over }, i) =>
      `SELECT ${i} AS i, jsonb_typeof(v) AS type, CASE WHEN jsonb_typeof(v) = 'array' THEN jsonb_array_length(v) END AS length
       FROM (SELECT ${sourceSql(over, task.dagRunId, params)} AS v) s`,
  );
  const res = await client.query<{ i: number; type: string | null; length: number | null }>(
    `${selects.join(' UNION ALL ')} ORDER BY i`,
    params,
  );
  return res.rows.map((r) =>
    r.length !== null
      ? { length: r.length }
      : { notAList: r.type === null ? 'absent (the task recorded no output)' : (typeWords[r.type] ?? r.type) },
  );
}

/** The one statement that writes instances 0..n-1. */
function expandStatement(task: MappedTaskToExpand): { text: string; values: unknown[] } {
  const params: unknown[] = [task.taskInstanceId];
  const sources = mapSources(task.map);
  const from = sources
    .map(
      ({ over }, i) => `(SELECT ${sourceSql(over, task.dagRunId, params)} AS v) s${i},
         jsonb_array_elements(s${i}.v) WITH ORDINALITY e${i}(value, ord)`,
    )
    .join(',\n         ');
  const order = sources.map((_, i) => `e${i}.ord`).join(', ');
  const item =
    sources[0]?.key === null
      ? 'e0.value'
      : `jsonb_build_object(${sources.map((s, i) => `${quoteLiteral(s.key ?? '')}::text, e${i}.value`).join(', ')})`;
  return {
    text: `WITH items AS (
       SELECT (row_number() OVER (ORDER BY ${order}) - 1)::int AS idx, ${item} AS item
       FROM ${from}
     ), first AS (
       UPDATE task_instance SET map_index = 0, map_item = (SELECT item FROM items WHERE idx = 0), updated_at = now()
       WHERE id = $1 AND map_index = -1 AND state = ${ts.none}
       RETURNING dag_run_id, dag_id, task_id, max_tries, operator, pool, pool_slots, priority_weight, fails_run, queue
     ), rest AS (
       INSERT INTO task_instance (dag_run_id, dag_id, task_id, state, try_number, max_tries, operator,
                                  pool, pool_slots, priority_weight, fails_run, queue, map_index, map_item)
       SELECT f.dag_run_id, f.dag_id, f.task_id, ${ts.none}, 0, f.max_tries, f.operator,
              f.pool, f.pool_slots, f.priority_weight, f.fails_run, f.queue, i.idx, i.item
       FROM first f CROSS JOIN items i WHERE i.idx > 0
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM first)::int AS expanded, (SELECT count(*) FROM rest)::int AS added`,
    values: params,
  };
}

/** A product key as an SQL literal (keys are the DAG author's identifiers; quoted all the same). */
function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The task skipped (empty list) or failed (not a list, too long) instead of expanded; its failure is a try with the reason. */
function endStatement(task: MappedTaskToExpand, outcome: Exclude<Expansion, { kind: 'expand' }>) {
  if (outcome.kind === 'skip') {
    return {
      text: `UPDATE task_instance SET state = ${ts.skipped}, ended_at = now(), updated_at = now()
             WHERE id = $1 AND map_index = -1 AND state = ${ts.none} RETURNING id`,
      values: [task.taskInstanceId],
    };
  }
  return {
    text: `WITH failed AS (
             UPDATE task_instance SET state = ${ts.failed}, try_number = 1, started_at = now(), ended_at = now(),
               duration_ms = 0, updated_at = now()
             WHERE id = $1 AND map_index = -1 AND state = ${ts.none} RETURNING id
           ), tried AS (
             INSERT INTO task_try (task_instance_id, try_number, state, started_at, ended_at, duration_ms, error)
             SELECT id, 1, ${ts.failed}, now(), now(), 0, $2::jsonb FROM failed
           )
           SELECT id FROM failed`,
    values: [task.taskInstanceId, JSON.stringify({ name: 'MapExpansionError', message: outcome.reason })],
  };
}

/** What expanding one mapped task did; `applied` false when it was no longer the unexpanded instance. */
export type ExpansionResult = Expansion & { applied: boolean };

/** Expands a mapped task in the caller's transaction (two statements: the lengths, then the writes). */
export async function expandMappedTask(client: PoolClient, task: MappedTaskToExpand): Promise<ExpansionResult> {
  const outcome = expansionOf(task.taskId, task.map, await sourceLengths(client, task), task.maxMapLength);
  if (outcome.kind === 'expand') {
    const res = await client.query<{ expanded: number; added: number }>(expandStatement(task));
    return { ...outcome, applied: res.rows[0]?.expanded === 1 };
  }
  const res = await client.query(endStatement(task, outcome));
  return { ...outcome, applied: res.rowCount === 1 };
}
