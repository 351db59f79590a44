/**
 * The API's reads of runs, bounded by what they return and not by how many
 * runs a DAG has had (docs/adr/0014): a DAG's latest runs are an index range
 * of `dag_run_latest_idx` per DAG (a LATERAL … LIMIT), the runs list is
 * paged by a keyset cursor instead of OFFSET, and its total is counted up to
 * a cap. Each statement is prepared, so its generic plan is what
 * `runPages.plans.test.ts` checks.
 */
import { prepared, type Queryable } from '../sql/queryable';
import type { RunRow } from './views';

export interface DagRow {
  dagId: string;
  isPaused: boolean;
  fileLoc: string;
  nextRunAt: Date | null;
  /** The current version: its spec comes from the caller's version cache. */
  versionId: string;
  versionHash: string;
  /** The git commit the current version was first read from; null for a DAGs folder. */
  bundleCommit: string | null;
  /** Newest first, at most RECENT_RUNS (or the number asked for). */
  recentRuns: RunRow[];
}

/** Runs a DAG summary carries. */
export const RECENT_RUNS = 10;
/** The runs list counts matching runs up to this many; beyond it the total is "more than". */
export const RUN_COUNT_CAP = 1000;

const RUN_COLUMNS = `r.id, r.dag_id AS "dagId", r.run_id AS "runId", r.run_type AS "runType", r.state,
  r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
  r.data_interval_end AS "dataIntervalEnd", r.started_at AS "startedAt", r.ended_at AS "endedAt", r.conf,
  r.dag_version_id AS "dagVersionId", r.queued_at AS "queuedAt"`;

/** Newest first, as `dag_run_latest_idx` read backwards gives them. */
const NEWEST_FIRST = 'r.logical_date DESC, r.queued_at DESC, r.id DESC';

const dagsStatement = prepared(
  'read.dags',
  `SELECT d.dag_id AS "dagId", d.is_paused AS "isPaused", d.file_loc AS "fileLoc", d.next_run_at AS "nextRunAt",
          v.id AS "versionId", v.hash AS "versionHash", v.bundle_commit AS "bundleCommit"
   FROM dag d JOIN dag_version v ON v.id = d.current_version_id
   WHERE d.is_active AND ($1::text IS NULL OR d.dag_id = $1) AND ($2::boolean IS NULL OR d.is_paused = $2)
   ORDER BY d.dag_id`,
);

const latestRunsStatement = prepared(
  'read.latestRuns',
  `SELECT ${RUN_COLUMNS}
   FROM unnest($1::text[]) WITH ORDINALITY AS d(dag_id, ord)
   CROSS JOIN LATERAL (
     SELECT * FROM dag_run r WHERE r.dag_id = d.dag_id ORDER BY ${NEWEST_FIRST} LIMIT $2
   ) r
   ORDER BY d.ord, ${NEWEST_FIRST}`,
);

type RunRowWithKey = RunRow & { queuedAt: Date };

const withoutKey = ({ queuedAt: _, ...run }: RunRowWithKey): RunRow => run;

/** Active DAGs with a loadable version, by id, each with its latest runs. */
export async function listDagRows(
  db: Queryable,
  q: { dagId?: string; paused?: boolean; recentRuns?: number } = {},
): Promise<DagRow[]> {
  const dags = await db.query<Omit<DagRow, 'recentRuns'>>(dagsStatement([q.dagId ?? null, q.paused ?? null]));
  const recent = q.recentRuns ?? RECENT_RUNS;
  if (dags.rows.length === 0 || recent === 0) return dags.rows.map((d) => ({ ...d, recentRuns: [] }));
  const runs = await latestRuns(
    db,
    dags.rows.map((d) => d.dagId),
    recent,
  );
  return dags.rows.map((d) => ({ ...d, recentRuns: runs.get(d.dagId) ?? [] }));
}

/** Each DAG's latest `limit` runs, newest first: one index range per DAG. */
export async function latestRuns(
  db: Queryable,
  dagIds: readonly string[],
  limit: number,
): Promise<Map<string, RunRow[]>> {
  const res = await db.query<RunRowWithKey>(latestRunsStatement([dagIds, limit]));
  const byDag = new Map<string, RunRow[]>();
  for (const row of res.rows) {
    const list = byDag.get(row.dagId) ?? [];
    list.push(withoutKey(row));
    byDag.set(row.dagId, list);
  }
  return byDag;
}

/** Where a page of runs goes on from: the last run of the page before, by the list's order. */
export interface RunCursor {
  logicalDate: Date;
  queuedAt: Date;
  id: string;
}

/** Thrown for a cursor this API did not hand out. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeRunCursor(c: RunCursor): string {
  return Buffer.from(`${c.logicalDate.toISOString()}|${c.queuedAt.toISOString()}|${c.id}`).toString('base64url');
}

export function decodeRunCursor(text: string): RunCursor {
  const parts = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const [logical, queued, id] = parts;
  if (parts.length !== 3 || logical === undefined || queued === undefined || id === undefined || !UUID.test(id)) {
    throw new InvalidCursorError('not a cursor this API handed out (use nextCursor of the page before)');
  }
  const logicalDate = new Date(logical);
  const queuedAt = new Date(queued);
  if (Number.isNaN(logicalDate.getTime()) || Number.isNaN(queuedAt.getTime())) {
    throw new InvalidCursorError('not a cursor this API handed out (use nextCursor of the page before)');
  }
  return { logicalDate, queuedAt, id };
}

/** Before any run: the first page. */
const FIRST: RunCursor = {
  logicalDate: new Date(8.64e15),
  queuedAt: new Date(8.64e15),
  id: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
};

const pageStatement = (withState: boolean) =>
  prepared(
    withState ? 'read.runPageInState' : 'read.runPage',
    `SELECT ${RUN_COLUMNS} FROM dag_run r
     WHERE r.dag_id = $1 ${withState ? 'AND r.state = $6' : ''}
       AND (r.logical_date, r.queued_at, r.id) < ($2::timestamptz, $3::timestamptz, $4::uuid)
     ORDER BY ${NEWEST_FIRST} LIMIT $5`,
  );
const runPage = pageStatement(false);
const runPageInState = pageStatement(true);

const countStatement = (withState: boolean) =>
  prepared(
    withState ? 'read.runCountInState' : 'read.runCount',
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM dag_run r WHERE r.dag_id = $1 ${withState ? 'AND r.state = $3' : ''} LIMIT $2
     ) c`,
  );
const runCount = countStatement(false);
const runCountInState = countStatement(true);

export interface RunPage {
  items: RunRow[];
  /** The cursor of the next page, or null when this one is the last. */
  nextCursor: string | null;
  /** Matching runs, counted up to RUN_COUNT_CAP. */
  total: number;
  /** More runs match than `total` says. */
  totalCapped: boolean;
}

/** A page of a DAG's runs, newest first, after `cursor` (or from the newest). */
/** How many runs a DAG has had, counted up to RUN_COUNT_CAP (the grid's "25 of 55"). */
export async function countDagRuns(db: Queryable, dagId: string): Promise<{ total: number; totalCapped: boolean }> {
  const res = await db.query<{ n: number }>(runCount([dagId, RUN_COUNT_CAP + 1]));
  const n = res.rows[0]?.n ?? 0;
  return { total: Math.min(n, RUN_COUNT_CAP), totalCapped: n > RUN_COUNT_CAP };
}

export async function listRunPage(
  db: Queryable,
  q: { dagId: string; limit: number; cursor?: RunCursor; state?: string },
): Promise<RunPage> {
  const after = q.cursor ?? FIRST;
  const keys = [q.dagId, after.logicalDate, after.queuedAt, after.id, q.limit + 1];
  const [page, count] = await Promise.all([
    db.query<RunRowWithKey>(q.state === undefined ? runPage(keys) : runPageInState([...keys, q.state])),
    db.query<{ n: number }>(
      q.state === undefined
        ? runCount([q.dagId, RUN_COUNT_CAP + 1])
        : runCountInState([q.dagId, RUN_COUNT_CAP + 1, q.state]),
    ),
  ]);
  const rows = page.rows.slice(0, q.limit);
  const last = rows.at(-1);
  const n = count.rows[0]?.n ?? 0;
  return {
    items: rows.map(withoutKey),
    nextCursor: page.rows.length > q.limit && last ? encodeRunCursor(last) : null,
    total: Math.min(n, RUN_COUNT_CAP),
    totalCapped: n > RUN_COUNT_CAP,
  };
}

const dagExistsStatement = prepared('read.dagExists', `SELECT 1 FROM dag WHERE dag_id = $1`);

export async function dagExists(db: Queryable, dagId: string): Promise<boolean> {
  const res = await db.query(dagExistsStatement([dagId]));
  return res.rows.length > 0;
}
