import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { deleteRunNote, findRunRow, findTaskInstanceDetail, listRunNotes, setRunNote } from '@sluice/db';
import type { RunNoteTarget, RunNoteView } from '@sluice/db';
import { NotFoundError } from '@sluice/engine';
import type { RunNote } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { actorOf } from '../actor';

const RunParams = z.object({ dagId: safeId('dagId'), runId: safeId('runId') });
const TaskParams = RunParams.extend({ taskId: safeId('taskId') });
/** Long enough for a paragraph and a link or two; a note is not a log. */
export const MAX_NOTE_CHARS = 4000;
const NoteBody = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, 'text is empty (delete the note instead)')
      .max(MAX_NOTE_CHARS, `text is longer than ${MAX_NOTE_CHARS} characters`),
  })
  .strict();

const RUN = '/dags/:dagId/runs/:runId';
const TASK = `${RUN}/tasks/:taskId`;

export const noteRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: `${RUN}/notes`,
    summary: "A run's notes: its own and its task instances'",
    tag: 'runs',
    role: 'viewer',
    params: RunParams,
    status: 200,
  },
  {
    method: 'put',
    path: `${RUN}/note`,
    summary: "Write or replace a run's note",
    tag: 'runs',
    role: 'operator',
    params: RunParams,
    body: NoteBody,
    status: 200,
  },
  {
    method: 'delete',
    path: `${RUN}/note`,
    summary: "Delete a run's note",
    tag: 'runs',
    role: 'operator',
    params: RunParams,
    status: 204,
  },
  {
    method: 'put',
    path: `${TASK}/note`,
    summary: "Write or replace a task instance's note",
    tag: 'tasks',
    role: 'operator',
    params: TaskParams,
    body: NoteBody,
    status: 200,
  },
  {
    method: 'delete',
    path: `${TASK}/note`,
    summary: "Delete a task instance's note",
    tag: 'tasks',
    role: 'operator',
    params: TaskParams,
    status: 204,
  },
];

const presentNote = (n: RunNoteView): RunNote => ({
  taskId: n.taskId,
  text: n.text,
  author: n.author,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
});

export function noteRoutes(deps: ApiDeps): Router {
  const r = Router();

  const runOf = async (dagId: string, runId: string) => {
    const run = await findRunRow(deps.db.prisma, dagId, runId);
    if (!run) throw new NotFoundError(`DAG "${dagId}" has no run "${runId}"`);
    return run;
  };

  /** The note's place; a task note needs the task in the run. */
  const targetOf = async (dagId: string, runId: string, taskId: string | null): Promise<RunNoteTarget> => {
    const run = await runOf(dagId, runId);
    if (taskId !== null && !(await findTaskInstanceDetail(deps.db.prisma, run.id, taskId))) {
      throw new NotFoundError(`Run "${runId}" of DAG "${dagId}" has no task "${taskId}"`);
    }
    return { dagRunId: run.id, dagId, runId, taskId };
  };

  r.get(`${RUN}/notes`, async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    const run = await runOf(dagId, runId);
    res.json({ items: (await listRunNotes(deps.db.pool, run.id)).map(presentNote) });
  });

  /** The run's note for `/note` under a run, the task's under a task. */
  const targetOfRequest = async (req: Request): Promise<RunNoteTarget> => {
    if (req.params.taskId === undefined) {
      const { dagId, runId } = parse(RunParams, req, 'params');
      return targetOf(dagId, runId, null);
    }
    const { dagId, runId, taskId } = parse(TaskParams, req, 'params');
    return targetOf(dagId, runId, taskId);
  };

  const put = async (req: Request, res: Response) => {
    const target = await targetOfRequest(req);
    const body = parse(NoteBody, req, 'body');
    res.json(presentNote(await setRunNote(deps.db.pool, target, body.text, actorOf(req))));
  };
  const remove = async (req: Request, res: Response) => {
    const target = await targetOfRequest(req);
    if (!(await deleteRunNote(deps.db.pool, target, actorOf(req)))) {
      throw new NotFoundError(
        target.taskId === null
          ? `Run "${target.runId}" has no note`
          : `Task "${target.taskId}" of run "${target.runId}" has no note`,
      );
    }
    res.status(204).end();
  };
  r.put(`${RUN}/note`, put);
  r.delete(`${RUN}/note`, remove);
  r.put(`${TASK}/note`, put);
  r.delete(`${TASK}/note`, remove);
  return r;
}
