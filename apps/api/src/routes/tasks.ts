import { Router } from 'express';
import { z } from 'zod';
import { findRunRow, findTaskInstanceDetail, listTaskInstanceRows, readTaskLogs, type LogRow } from '@sluice/db';
import { NotFoundError, clearTask, markTask } from '@sluice/engine';
import type { ClearResult, ErrorInfo, TaskInstanceDetail, TaskLog, TaskState } from '@sluice/client';
import { parseTaskKey } from '@sluice/core';
import type { ApiDeps } from '../app';
import { presentTaskInstance, runTaskStates } from '../presenters';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId, safeTaskKey } from '../input';
import { actorOf } from '../actor';
import { presentClear } from './clearing';

/** `taskId` names a task, or one instance of a mapped task: `load[3]`. */
const TaskParams = z.object({ dagId: safeId('dagId'), runId: safeId('runId'), taskId: safeTaskKey('taskId') });
const LogsQuery = z.object({
  try: z.coerce.number().int().min(1).optional(),
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const ClearBody = z
  .object({
    downstream: z.boolean().default(false),
    upstream: z.boolean().default(false),
    past: z.boolean().default(false),
    future: z.boolean().default(false),
    onlyFailed: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .strict();
const DownloadQuery = z.object({ try: z.coerce.number().int().min(1).optional() });
/** Lines read per query while a whole log downloads. */
const DOWNLOAD_PAGE = 5000;
const PatchTaskBody = z.object({ state: z.enum(['success', 'failed']) }).strict();

const TASK = '/dags/:dagId/runs/:runId/tasks/:taskId';
export const taskRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: TASK,
    summary: 'A task instance, its tries and output',
    tag: 'tasks',
    role: 'viewer',
    params: TaskParams,
    status: 200,
  },
  {
    method: 'get',
    path: `${TASK}/logs`,
    summary: "A try's log lines",
    tag: 'tasks',
    role: 'viewer',
    params: TaskParams,
    query: LogsQuery,
    status: 200,
  },
  {
    method: 'get',
    path: `${TASK}/logs/download`,
    summary: "A try's whole log as a text file",
    tag: 'tasks',
    role: 'viewer',
    params: TaskParams,
    query: DownloadQuery,
    status: 200,
  },
  {
    method: 'post',
    path: `${TASK}/clear`,
    summary: 'Clear a task (with its upstream, downstream, past and future runs) to run it again; dryRun previews',
    tag: 'tasks',
    role: 'operator',
    params: TaskParams,
    body: ClearBody,
    status: 200,
  },
  {
    method: 'patch',
    path: TASK,
    summary: 'Mark a task instance success or failed',
    tag: 'tasks',
    role: 'operator',
    params: TaskParams,
    body: PatchTaskBody,
    status: 200,
  },
];

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A stored log row as lines of a downloaded log: each with the row's time, and its stream when not stdout. */
function logFileLines(l: LogRow): string {
  const prefix = `${l.at.toISOString()} ${l.stream === 'stdout' ? '' : `[${l.stream}] `}`;
  return l.text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${prefix}${line}\n`)
    .join('');
}

export function taskRoutes(deps: ApiDeps): Router {
  const r = Router();
  const base = '/dags/:dagId/runs/:runId/tasks/:taskId';

  const load = async (dagId: string, runId: string, key: string) => {
    const run = await findRunRow(deps.db.prisma, dagId, runId);
    if (!run) throw new NotFoundError(`DAG "${dagId}" has no run "${runId}"`);
    const { taskId, mapIndex } = parseTaskKey(key);
    const ti = await findTaskInstanceDetail(deps.db.prisma, run.id, taskId, mapIndex);
    if (!ti) throw new NotFoundError(`Run "${runId}" of DAG "${dagId}" has no task "${key}"`);
    return { run, ti };
  };

  const detail = async (dagId: string, runId: string, taskId: string): Promise<TaskInstanceDetail> => {
    const { run, ti } = await load(dagId, runId, taskId);
    // Versions never change: parsed once per process, not per request.
    const version = await deps.engine.dags.get(run.dagVersionId).catch(() => {
      throw new NotFoundError(`DAG version of run "${runId}" is missing`);
    });
    const all = await listTaskInstanceRows(deps.db.prisma, run.id);
    return {
      ...presentTaskInstance(version.spec, ti, runTaskStates(all)),
      dagId,
      runId,
      tries: ti.tries.map((t) => ({
        tryNumber: t.tryNumber,
        state: t.state as TaskState,
        startedAt: iso(t.startedAt),
        endedAt: iso(t.endedAt),
        durationMs: t.durationMs,
        hostname: t.hostname,
        error: (t.error as ErrorInfo | null) ?? null,
        stoppedBy: t.stoppedBy,
      })),
      output: ti.output?.value ?? null,
    };
  };

  r.get(base, async (req, res) => {
    const { dagId, runId, taskId } = parse(TaskParams, req, 'params');
    res.json(await detail(dagId, runId, taskId));
  });

  /** The try a log request names (the latest by default); a 404 for a try that has not started. */
  const tryOf = (ti: { tryNumber: number }, taskId: string, asked: number | undefined): number => {
    const tryNumber = asked ?? Math.max(1, ti.tryNumber);
    if (tryNumber > Math.max(1, ti.tryNumber)) {
      throw new NotFoundError(`Task "${taskId}" has no try ${tryNumber} yet (latest is ${ti.tryNumber})`);
    }
    return tryNumber;
  };

  type LoadedTi = Awaited<ReturnType<typeof load>>['ti'];
  /** Up to `limit` lines after `after`, and whether the try has ended. */
  const readLogPage = async (
    ids: { dagId: string; runId: string; taskId: string },
    ti: LoadedTi,
    tryNumber: number,
    after: number,
    limit: number,
  ): Promise<{ lines: LogRow[]; ended: boolean }> => {
    const tryRow = ti.tries.find((t) => t.tryNumber === tryNumber);
    const ended = tryRow !== undefined && tryRow.endedAt !== null;
    // An ended try's log is read from S3 when remote logs are on and S3 has it; else from Postgres.
    const remote = ended && deps.remoteLogs ? await deps.remoteLogs.getTry({ ...ids, tryNumber }) : null;
    const lines = remote
      ? remote
          .filter((l) => l.seq > after)
          .slice(0, limit)
          .map(
            (l): LogRow => ({
              seq: l.seq,
              text: l.text,
              stream: l.stream === 'stderr' || l.stream === 'system' ? l.stream : 'stdout',
              at: new Date(l.at),
            }),
          )
      : await readTaskLogs(deps.db.pool, { taskInstanceId: ti.id, tryNumber, afterSeq: after, limit });
    return { lines, ended };
  };

  r.get(`${base}/logs`, async (req, res) => {
    const { dagId, runId, taskId } = parse(TaskParams, req, 'params');
    const q = parse(LogsQuery, req, 'query');
    const { ti } = await load(dagId, runId, taskId);
    const tryNumber = tryOf(ti, taskId, q.try);
    const { lines, ended } = await readLogPage({ dagId, runId, taskId }, ti, tryNumber, q.after, q.limit);
    const log: TaskLog = {
      tryNumber,
      lines: lines.map((l) => ({ seq: l.seq, stream: l.stream, at: l.at.toISOString(), text: l.text })),
      nextSeq: lines.at(-1)?.seq ?? q.after,
      complete: ended && lines.length < q.limit,
    };
    res.json(log);
  });

  r.get(`${base}/logs/download`, async (req, res) => {
    const { dagId, runId, taskId } = parse(TaskParams, req, 'params');
    const q = parse(DownloadQuery, req, 'query');
    const { ti } = await load(dagId, runId, taskId);
    const tryNumber = tryOf(ti, taskId, q.try);
    res.attachment(`${dagId}_${runId}_${taskId}_try${tryNumber}.log`.replace(/[^\w.+-]/g, '_'));
    res.type('text/plain; charset=utf-8');
    // Page by page, so a long log is never held whole in memory.
    for (let after = 0; ; ) {
      const { lines } = await readLogPage({ dagId, runId, taskId }, ti, tryNumber, after, DOWNLOAD_PAGE);
      res.write(lines.map(logFileLines).join(''));
      const last = lines.at(-1);
      if (!last || lines.length < DOWNLOAD_PAGE) break;
      after = last.seq;
    }
    res.end();
  });

  r.post(`${base}/clear`, async (req, res) => {
    const { dagId, runId, taskId } = parse(TaskParams, req, 'params');
    const body = parse(ClearBody, req, 'body');
    const outcome = await clearTask(deps.engine, { dagId, runId, taskId, ...body, actor: actorOf(req) });
    const result: ClearResult = presentClear(outcome, outcome.cleared);
    res.json(result);
  });

  r.patch(base, async (req, res) => {
    const { dagId, runId, taskId } = parse(TaskParams, req, 'params');
    const body = parse(PatchTaskBody, req, 'body');
    await markTask(deps.engine, { dagId, runId, taskId, to: body.state, actor: actorOf(req) });
    const d = await detail(dagId, runId, taskId);
    res.json(d);
  });

  return r;
}
