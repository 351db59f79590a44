/**
 * The reads behind the REST API and the UI. Plain rows out; the API shapes
 * them into its JSON. Structure JSON is read without the bundle, which can
 * be large.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { prepared, type Queryable } from '../sql/queryable';
import { latestRuns } from './runPages';

export interface RunRow {
  id: string;
  dagId: string;
  runId: string;
  runType: string;
  state: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  conf: unknown;
  dagVersionId: string;
}

const runSelect = {
  id: true,
  dagId: true,
  runId: true,
  runType: true,
  state: true,
  logicalDate: true,
  dataIntervalStart: true,
  dataIntervalEnd: true,
  startedAt: true,
  endedAt: true,
  conf: true,
  dagVersionId: true,
} as const;

export async function findRunRow(prisma: PrismaClient, dagId: string, runId: string): Promise<RunRow | null> {
  return prisma.dagRun.findUnique({ where: { dagId_runId: { dagId, runId } }, select: runSelect });
}

export interface TaskInstanceRowView {
  id: string;
  taskId: string;
  state: string;
  tryNumber: number;
  maxTries: number;
  operator: string;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  nextRetryAt: Date | null;
  external: unknown;
  /** A mapped task's instance: 0..n-1; -1 for an unmapped task (or a mapped one not expanded yet). */
  mapIndex: number;
  /** The item a mapped task's instance runs with; null for an unmapped task. */
  mapItem: unknown;
}

const tiSelect = {
  id: true,
  taskId: true,
  mapIndex: true,
  mapItem: true,
  state: true,
  tryNumber: true,
  maxTries: true,
  operator: true,
  startedAt: true,
  endedAt: true,
  durationMs: true,
  nextRetryAt: true,
  external: true,
} as const;

/** A run's task instances, a mapped task's in map-index order. */
export async function listTaskInstanceRows(prisma: PrismaClient, dagRunId: string): Promise<TaskInstanceRowView[]> {
  return prisma.taskInstance.findMany({
    where: { dagRunId },
    select: tiSelect,
    orderBy: [{ taskId: 'asc' }, { mapIndex: 'asc' }],
  });
}

/** One task instance with its tries and output; `mapIndex` names a mapped task's instance (default -1: unmapped). */
export async function findTaskInstanceDetail(prisma: PrismaClient, dagRunId: string, taskId: string, mapIndex = -1) {
  return prisma.taskInstance.findUnique({
    where: { dagRunId_taskId_mapIndex: { dagRunId, taskId, mapIndex } },
    select: {
      ...tiSelect,
      tries: { orderBy: { tryNumber: 'asc' } },
      output: { select: { value: true, tryNumber: true } },
    },
  });
}

/** A grid cell: a task instance's state, how many tries it has made and how long it took. */
export interface GridCellRow {
  dagRunId: string;
  taskId: string;
  /** A mapped task's instance: 0..n-1 (one cell each); -1 for an unmapped task. */
  mapIndex: number;
  state: string;
  tryNumber: number;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
}

/** The grid: the last `limit` runs of a DAG, oldest first, and every task instance in them. */
export async function readGridCells(
  db: Queryable,
  dagId: string,
  limit: number,
): Promise<{ runs: RunRow[]; cells: GridCellRow[] }> {
  const runs = ((await latestRuns(db, [dagId], limit)).get(dagId) ?? []).reverse();
  const cells = await db.query<GridCellRow>(gridCellsStatement([runs.map((r) => r.id)]));
  return { runs, cells: cells.rows };
}

const gridCellsStatement = prepared(
  'read.gridCells',
  `SELECT dag_run_id AS "dagRunId", task_id AS "taskId", map_index AS "mapIndex", state, try_number AS "tryNumber", started_at AS "startedAt",
          ended_at AS "endedAt", duration_ms AS "durationMs"
   FROM task_instance WHERE dag_run_id = ANY($1::uuid[]) ORDER BY dag_run_id, task_id, map_index`,
);

/**
 * One page of a mapped task's instances on the grid: for each of the DAG's last
 * `limit` runs (oldest first), the instances with map index in
 * [offset, offset + count); `total` is the most instances the task has in one
 * of those runs. Bounded by the page asked for, however wide the map is.
 */
export async function readMappedGridCells(
  db: Queryable,
  args: { dagId: string; taskId: string; limit: number; offset: number; count: number },
): Promise<{ runs: RunRow[]; cells: GridCellRow[]; total: number }> {
  const runs = ((await latestRuns(db, [args.dagId], args.limit)).get(args.dagId) ?? []).reverse();
  const ids = runs.map((r) => r.id);
  const [cells, total] = await Promise.all([
    db.query<GridCellRow>(mappedGridCellsStatement([ids, args.taskId, args.offset, args.offset + args.count])),
    db.query<{ total: number }>(mappedGridTotalStatement([ids, args.taskId])),
  ]);
  return { runs, cells: cells.rows, total: total.rows[0]?.total ?? 0 };
}

const mappedGridCellsStatement = prepared(
  'read.mappedGridCells',
  `SELECT dag_run_id AS "dagRunId", task_id AS "taskId", map_index AS "mapIndex", state, try_number AS "tryNumber",
          started_at AS "startedAt", ended_at AS "endedAt", duration_ms AS "durationMs"
   FROM task_instance
   WHERE dag_run_id = ANY($1::uuid[]) AND task_id = $2 AND map_index >= $3 AND map_index < $4
   ORDER BY dag_run_id, map_index`,
);

const mappedGridTotalStatement = prepared(
  'read.mappedGridTotal',
  `SELECT COALESCE(max(map_index) + 1, 0)::int AS total
   FROM task_instance WHERE dag_run_id = ANY($1::uuid[]) AND task_id = $2`,
);

export async function listImportErrorRows(prisma: PrismaClient) {
  return prisma.importError.findMany({ orderBy: { fileLoc: 'asc' } });
}

export async function lastSchedulerHeartbeat(prisma: PrismaClient): Promise<Date | null> {
  const row = await prisma.schedulerHeartbeat.findFirst({ orderBy: { lastHeartbeatAt: 'desc' } });
  return row?.lastHeartbeatAt ?? null;
}

/** Where a DAG version's code came from: its file and, for a git bundle, the commit it was first read from. */
export async function readVersionSource(
  prisma: PrismaClient,
  versionId: string,
): Promise<{ fileLoc: string; bundleCommit: string | null } | null> {
  return prisma.dagVersion.findUnique({ where: { id: versionId }, select: { fileLoc: true, bundleCommit: true } });
}
