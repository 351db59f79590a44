/**
 * The UI's browse pages: runs and task instances across DAGs (or of one),
 * filtered and keyset-paged like a DAG's runs list (docs/adr/0014, 0022).
 * Across DAGs the order is an index range of `dag_run_browse_idx`, or of
 * `dag_run_state_browse_idx` for one state; for one DAG the per-DAG indexes
 * serve. Each shape of filter is its own prepared statement, so each keeps
 * a generic plan that reads the index in order and stops at the limit.
 */
import { prepared, type Queryable } from '../sql/queryable';
import { InvalidCursorError, RUN_COUNT_CAP, type RunCursor, decodeRunCursor, encodeRunCursor } from './runPages';
import type { RunRow } from './views';

export type BrowseOrder = 'newest' | 'oldest';

export interface RunBrowseQuery {
  limit: number;
  order: BrowseOrder;
  cursor?: RunCursor;
  dagId?: string;
  state?: string;
  runType?: string;
  /** Logical dates from (inclusive) … to (exclusive). */
  from?: Date;
  to?: Date;
  /** Only these DAGs (a viewer's teams); undefined for all. */
  visibleDagIds?: readonly string[];
}

export interface BrowsePage<T> {
  items: T[];
  nextCursor: string | null;
  /** Matching rows, counted up to RUN_COUNT_CAP. */
  total: number;
  totalCapped: boolean;
}

const RUN_COLUMNS = `r.id, r.dag_id AS "dagId", r.run_id AS "runId", r.run_type AS "runType", r.state,
  r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
  r.data_interval_end AS "dataIntervalEnd", r.started_at AS "startedAt", r.ended_at AS "endedAt", r.conf,
  r.dag_version_id AS "dagVersionId", r.queued_at AS "queuedAt"`;

const KEY = '(r.logical_date, r.queued_at, r.id)';
const orderBy = (order: BrowseOrder) =>
  order === 'newest'
    ? 'r.logical_date DESC, r.queued_at DESC, r.id DESC'
    : 'r.logical_date ASC, r.queued_at ASC, r.id ASC';
const after = (order: BrowseOrder) => (order === 'newest' ? '<' : '>');

// Postgres's timestamptz starts at 4713 BC; JavaScript's dates reach further both ways.
const EARLIEST = new Date('1000-01-01T00:00:00Z');
const LATEST = new Date(8.64e15);

/** Before the first row of each order. */
const START: Record<BrowseOrder, RunCursor> = {
  newest: { logicalDate: new Date(8.64e15), queuedAt: new Date(8.64e15), id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' },
  oldest: { logicalDate: EARLIEST, queuedAt: EARLIEST, id: '00000000-0000-0000-0000-000000000000' },
};

/**
 * The run filters every shape shares, over parameters $1…$6: the DAG (or
 * NULL), the state (or NULL), the run type (or NULL), from, to, and the
 * visible DAGs (or NULL). A given DAG or state is spelled as an equality so
 * the generic plan can use the index that starts with it.
 */
const runFilters = (dag: boolean, state: boolean) =>
  [
    dag ? 'r.dag_id = $1' : '$1::text IS NULL',
    state ? 'r.state = $2' : '$2::text IS NULL',
    '($3::text IS NULL OR r.run_type = $3)',
    'r.logical_date >= $4::timestamptz AND r.logical_date < $5::timestamptz',
    '($6::text[] IS NULL OR r.dag_id = ANY($6::text[]))',
  ].join(' AND ');

type Shape = { dag: boolean; state: boolean; order: BrowseOrder };
const shapeName = (s: Shape) => `${s.dag ? 'Dag' : 'All'}${s.state ? 'InState' : ''}.${s.order}`;

type Statement = ReturnType<typeof prepared>;
const runStatements = new Map<string, Statement>();
const countStatements = new Map<string, Statement>();
for (const dag of [false, true]) {
  for (const state of [false, true]) {
    for (const order of ['newest', 'oldest'] as const) {
      const name = shapeName({ dag, state, order });
      runStatements.set(
        name,
        prepared(
          `read.browseRuns${name}`,
          `SELECT ${RUN_COLUMNS} FROM dag_run r
           WHERE ${runFilters(dag, state)} AND ${KEY} ${after(order)} ($7::timestamptz, $8::timestamptz, $9::uuid)
           ORDER BY ${orderBy(order)} LIMIT $10`,
        ),
      );
    }
    const name = shapeName({ dag, state, order: 'newest' });
    countStatements.set(
      name,
      prepared(
        `read.countRuns${name}`,
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM dag_run r WHERE ${runFilters(dag, state)} LIMIT $7) c`,
      ),
    );
  }
}

function statement(map: Map<string, Statement>, shape: Shape): Statement {
  const found = map.get(shapeName(shape));
  if (found === undefined) throw new Error(`no statement for ${shapeName(shape)}`);
  return found;
}

const filterValues = (q: RunBrowseQuery) => [
  q.dagId ?? null,
  q.state ?? null,
  q.runType ?? null,
  q.from ?? EARLIEST,
  q.to ?? LATEST,
  q.visibleDagIds ? [...q.visibleDagIds] : null,
];

type RunRowWithKey = RunRow & { queuedAt: Date };
const withoutKey = ({ queuedAt: _, ...run }: RunRowWithKey): RunRow => run;

async function countRuns(db: Queryable, q: RunBrowseQuery): Promise<{ total: number; totalCapped: boolean }> {
  const shape = { dag: q.dagId !== undefined, state: q.state !== undefined, order: 'newest' as const };
  const res = await db.query<{ n: number }>(statement(countStatements, shape)([...filterValues(q), RUN_COUNT_CAP + 1]));
  const n = res.rows[0]?.n ?? 0;
  return { total: Math.min(n, RUN_COUNT_CAP), totalCapped: n > RUN_COUNT_CAP };
}

/** A page of runs in the asked order after `cursor`, and how many match (up to the cap). */
export async function browseRuns(db: Queryable, q: RunBrowseQuery): Promise<BrowsePage<RunRow>> {
  const shape = { dag: q.dagId !== undefined, state: q.state !== undefined, order: q.order };
  const c = q.cursor ?? START[q.order];
  const [page, count] = await Promise.all([
    db.query<RunRowWithKey>(
      statement(runStatements, shape)([...filterValues(q), c.logicalDate, c.queuedAt, c.id, q.limit + 1]),
    ),
    countRuns(db, q),
  ]);
  const rows = page.rows.slice(0, q.limit);
  const last = rows.at(-1);
  return {
    items: rows.map(withoutKey),
    nextCursor: page.rows.length > q.limit && last ? encodeRunCursor(last) : null,
    ...count,
  };
}

export interface TaskInstanceBrowseRow {
  dagId: string;
  runId: string;
  logicalDate: Date;
  taskId: string;
  state: string;
  tryNumber: number;
  maxTries: number;
  operator: string;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
}

export interface TaskInstanceBrowseQuery {
  limit: number;
  cursor?: TaskInstanceCursor;
  dagId?: string;
  taskId?: string;
  state?: string;
  visibleDagIds?: readonly string[];
}

/** The last row of a page: its run's place in the runs order, and its task id within the run. */
export interface TaskInstanceCursor extends RunCursor {
  taskId: string;
}

export function encodeTaskInstanceCursor(c: TaskInstanceCursor): string {
  return Buffer.from(JSON.stringify([encodeRunCursor(c), c.taskId])).toString('base64url');
}

export function decodeTaskInstanceCursor(text: string): TaskInstanceCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new InvalidCursorError('not a cursor this API handed out (use nextCursor of the page before)');
  }
  return { ...decodeRunCursor(parsed[0]), taskId: parsed[1] };
}

/**
 * Newest run first, then task id descending. The run's part of the key is an
 * index condition on dag_run; the task id only breaks ties inside the run
 * the previous page ended in.
 */
const tiStatement = (dag: boolean) =>
  prepared(
    `read.browseTaskInstances${dag ? 'Dag' : 'All'}`,
    `SELECT r.dag_id AS "dagId", r.run_id AS "runId", r.logical_date AS "logicalDate", r.queued_at AS "queuedAt",
            r.id AS "dagRunId", ti.task_id AS "taskId", ti.state, ti.try_number AS "tryNumber",
            ti.max_tries AS "maxTries", ti.operator, ti.started_at AS "startedAt", ti.ended_at AS "endedAt",
            ti.duration_ms AS "durationMs"
     FROM dag_run r JOIN task_instance ti ON ti.dag_run_id = r.id
     WHERE ${dag ? 'r.dag_id = $1' : '$1::text IS NULL'}
       AND ($2::text IS NULL OR ti.task_id = $2) AND ($3::text IS NULL OR ti.state = $3)
       AND ($4::text[] IS NULL OR r.dag_id = ANY($4::text[]))
       AND ${KEY} <= ($5::timestamptz, $6::timestamptz, $7::uuid)
       AND (${KEY} < ($5::timestamptz, $6::timestamptz, $7::uuid) OR ti.task_id < $8)
     ORDER BY r.logical_date DESC, r.queued_at DESC, r.id DESC, ti.task_id DESC LIMIT $9`,
  );
const tiStatements = { all: tiStatement(false), dag: tiStatement(true) };

const tiCount = (dag: boolean) =>
  prepared(
    `read.countTaskInstances${dag ? 'Dag' : 'All'}`,
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM dag_run r JOIN task_instance ti ON ti.dag_run_id = r.id
       WHERE ${dag ? 'r.dag_id = $1' : '$1::text IS NULL'}
         AND ($2::text IS NULL OR ti.task_id = $2) AND ($3::text IS NULL OR ti.state = $3)
         AND ($4::text[] IS NULL OR r.dag_id = ANY($4::text[]))
       LIMIT $5) c`,
  );
const tiCounts = { all: tiCount(false), dag: tiCount(true) };

type TiRowWithKey = TaskInstanceBrowseRow & { queuedAt: Date; dagRunId: string };

/** A page of task instances, newest run first, and how many match (up to the cap). */
export async function browseTaskInstances(
  db: Queryable,
  q: TaskInstanceBrowseQuery,
): Promise<BrowsePage<TaskInstanceBrowseRow>> {
  const which = q.dagId === undefined ? 'all' : 'dag';
  const c = q.cursor ?? { ...START.newest, taskId: '\u{10FFFF}' };
  const filters = [q.dagId ?? null, q.taskId ?? null, q.state ?? null, q.visibleDagIds ? [...q.visibleDagIds] : null];
  const [page, count] = await Promise.all([
    db.query<TiRowWithKey>(tiStatements[which]([...filters, c.logicalDate, c.queuedAt, c.id, c.taskId, q.limit + 1])),
    db.query<{ n: number }>(tiCounts[which]([...filters, RUN_COUNT_CAP + 1])),
  ]);
  const rows = page.rows.slice(0, q.limit);
  const last = rows.at(-1);
  const n = count.rows[0]?.n ?? 0;
  return {
    items: rows.map(({ queuedAt: _q, dagRunId: _r, ...row }) => row),
    nextCursor:
      page.rows.length > q.limit && last
        ? encodeTaskInstanceCursor({
            logicalDate: last.logicalDate,
            queuedAt: last.queuedAt,
            id: last.dagRunId,
            taskId: last.taskId,
          })
        : null,
    total: Math.min(n, RUN_COUNT_CAP),
    totalCapped: n > RUN_COUNT_CAP,
  };
}
