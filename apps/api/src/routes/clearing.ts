/**
 * Clearing and marking with a preview: a whole run (all or only failed),
 * a run marked success or failed, and a range of runs. Each takes
 * `dryRun: true` to answer with what it would do and change nothing.
 */
import { Router } from 'express';
import { z } from 'zod';
import { type ClearOutcome, InvalidRequestError, clearRange, clearRun, markRun } from '@sluice/engine';
import type { ClearResult, MarkRunResult, RunState, TaskState } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { dateBound, safeId } from '../input';
import { actorOf } from '../actor';

const DagParams = z.object({ dagId: safeId('dagId') });
const RunParams = DagParams.extend({ runId: safeId('runId') });
const ClearRunBody = z.object({ onlyFailed: z.boolean().default(false), dryRun: z.boolean().default(false) }).strict();
const MarkRunBody = z.object({ state: z.enum(['success', 'failed']), dryRun: z.boolean().default(false) }).strict();
const ClearRangeBody = z
  .object({
    from: dateBound('from'),
    to: dateBound('to'),
    taskPattern: z.string().min(1, 'taskPattern is empty').max(1000).optional(),
    onlyFailed: z.boolean().default(false),
    downstream: z.boolean().default(false),
    upstream: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .strict();

export const clearingRouteDocs: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/dags/:dagId/runs/:runId/clear',
    summary: 'Clear a run (every task instance, or only the failed ones); dryRun previews',
    tag: 'runs',
    role: 'operator',
    params: RunParams,
    body: ClearRunBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/dags/:dagId/runs/:runId/mark',
    summary: 'Mark a run success or failed; dryRun lists the task instances it would change',
    tag: 'runs',
    role: 'operator',
    params: RunParams,
    body: MarkRunBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/dags/:dagId/clear',
    summary: 'Clear the matching task instances of every run in a range of logical dates; dryRun previews',
    tag: 'runs',
    role: 'operator',
    params: DagParams,
    body: ClearRangeBody,
    status: 200,
  },
];

export function presentClear(outcome: ClearOutcome, cleared: string[] = []): ClearResult {
  return {
    cleared,
    dryRun: outcome.dryRun,
    runs: outcome.runs.map((r) => ({
      runId: r.runId,
      logicalDate: r.logicalDate.toISOString(),
      runState: r.runState as RunState,
      tasks: r.tasks.map((t) => ({ taskId: t.taskId, state: t.state as TaskState })),
    })),
  };
}

export function clearingRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.post('/dags/:dagId/runs/:runId/clear', async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    const body = parse(ClearRunBody, req, 'body');
    const outcome = await clearRun(deps.engine, { dagId, runId, ...body, actor: actorOf(req) });
    res.json(presentClear(outcome, outcome.runs[0]?.tasks.map((t) => t.taskId) ?? []));
  });

  r.post('/dags/:dagId/runs/:runId/mark', async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    const body = parse(MarkRunBody, req, 'body');
    const result = await markRun(deps.engine, {
      dagId,
      runId,
      to: body.state,
      dryRun: body.dryRun,
      actor: actorOf(req),
    });
    const answer: MarkRunResult = {
      dryRun: result.dryRun,
      tasks: result.tasks.map((t) => ({ taskId: t.taskId, state: t.state as TaskState })),
    };
    res.json(answer);
  });

  r.post('/dags/:dagId/clear', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const body = parse(ClearRangeBody, req, 'body');
    if (body.from > body.to) {
      throw new InvalidRequestError('from is after to', [{ path: 'body.from', message: 'is after to' }]);
    }
    const outcome = await clearRange(deps.engine, { dagId, ...body, actor: actorOf(req) });
    res.json(presentClear(outcome));
  });

  return r;
}
