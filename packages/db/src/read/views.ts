/**
 * The reads behind the REST API and the UI. Plain rows out; the API shapes
 * them into its JSON. Structure JSON is read without the bundle, which can
 * be large.
 */
import type { PrismaClient } from '../generated/prisma/client';
import type { Queryable } from '../sql/queryable';

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

export interface DagRow {
  dagId: string;
  isPaused: boolean;
  fileLoc: string;
  nextRunAt: Date | null;
  versionHash: string;
  /** The git commit the current version was first read from; null for a DAGs folder. */
  bundleCommit: string | null;
  structure: unknown;
  recentRuns: RunRow[];
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

export async function listDagRows(
  prisma: PrismaClient,
  q: { dagId?: string; paused?: boolean } = {},
): Promise<DagRow[]> {
  const dags = await prisma.dag.findMany({
    where: {
      isActive: true,
      currentVersionId: { not: null },
      ...(q.dagId !== undefined ? { dagId: q.dagId } : {}),
      ...(q.paused !== undefined ? { isPaused: q.paused } : {}),
    },
    orderBy: { dagId: 'asc' },
    include: { runs: { orderBy: [{ logicalDate: 'desc' }, { queuedAt: 'desc' }], take: 10, select: runSelect } },
  });
  const versionIds = dags.map((d) => d.currentVersionId).filter((v): v is string => v !== null);
  const versions = await prisma.dagVersion.findMany({
    where: { id: { in: versionIds } },
    select: { id: true, hash: true, structure: true, bundleCommit: true },
  });
  const byId = new Map(versions.map((v) => [v.id, v]));
  const rows: DagRow[] = [];
  for (const d of dags) {
    const v = d.currentVersionId ? byId.get(d.currentVersionId) : undefined;
    if (!v) continue;
    rows.push({
      dagId: d.dagId,
      isPaused: d.isPaused,
      fileLoc: d.fileLoc,
      nextRunAt: d.nextRunAt,
      versionHash: v.hash,
      bundleCommit: v.bundleCommit,
      structure: v.structure,
      recentRuns: d.runs,
    });
  }
  return rows;
}

export async function listRunRows(
  prisma: PrismaClient,
  q: { dagId: string; limit: number; offset: number; state?: string },
): Promise<{ items: RunRow[]; total: number }> {
  const where = { dagId: q.dagId, ...(q.state ? { state: q.state } : {}) };
  const [items, total] = await Promise.all([
    prisma.dagRun.findMany({
      where,
      orderBy: [{ logicalDate: 'desc' }, { queuedAt: 'desc' }],
      take: q.limit,
      skip: q.offset,
      select: runSelect,
    }),
    prisma.dagRun.count({ where }),
  ]);
  return { items, total };
}

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
}

const tiSelect = {
  id: true,
  taskId: true,
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

export async function listTaskInstanceRows(prisma: PrismaClient, dagRunId: string): Promise<TaskInstanceRowView[]> {
  return prisma.taskInstance.findMany({ where: { dagRunId }, select: tiSelect });
}

export async function findTaskInstanceDetail(prisma: PrismaClient, dagRunId: string, taskId: string) {
  return prisma.taskInstance.findUnique({
    where: { dagRunId_taskId: { dagRunId, taskId } },
    select: {
      ...tiSelect,
      tries: { orderBy: { tryNumber: 'asc' } },
      output: { select: { value: true, tryNumber: true } },
    },
  });
}

/** The grid: the last `limit` runs of a DAG and every task state in them, one query. */
export async function readGridCells(
  db: Queryable,
  dagId: string,
  limit: number,
): Promise<{ runs: RunRow[]; cells: Array<{ dagRunId: string; taskId: string; state: string }> }> {
  const runs = await db.query<RunRow>(
    `SELECT id, dag_id AS "dagId", run_id AS "runId", run_type AS "runType", state, logical_date AS "logicalDate",
            data_interval_start AS "dataIntervalStart", data_interval_end AS "dataIntervalEnd",
            started_at AS "startedAt", ended_at AS "endedAt", conf, dag_version_id AS "dagVersionId"
     FROM (SELECT * FROM dag_run WHERE dag_id = $1 ORDER BY logical_date DESC, queued_at DESC LIMIT $2) r
     ORDER BY logical_date, queued_at`,
    [dagId, limit],
  );
  const ids = runs.rows.map((r) => r.id);
  const cells = await db.query<{ dagRunId: string; taskId: string; state: string }>(
    `SELECT dag_run_id AS "dagRunId", task_id AS "taskId", state FROM task_instance WHERE dag_run_id = ANY($1::uuid[])`,
    [ids],
  );
  return { runs: runs.rows, cells: cells.rows };
}

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
