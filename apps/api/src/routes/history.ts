/**
 * Views of a DAG's history for the UI's charts, each bounded by what it
 * draws (docs/adr/0014): one run's tries (Gantt), the task times of the
 * latest runs (durations and landing times), a year of runs by day
 * (calendar).
 */
import { Router } from 'express';
import { z } from 'zod';
import { findRunRow, listDagRows, readRunDays, readRunGantt, readTaskTimes, type GanttTryRow } from '@sluice/db';
import { NotFoundError } from '@sluice/engine';
import type { CalendarDay, GanttTask, RunCalendar, RunGantt, RunState, TaskState, TaskTimes } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { presentRun, taskNodes } from '../presenters';
import { parse } from '../validate';
import { safeId } from '../input';

const DagParams = z.object({ dagId: safeId('dagId') });
const RunParams = DagParams.extend({ runId: safeId('runId') });
/** Runs a chart of task times may span. */
export const MAX_CHART_RUNS = 100;
const TaskTimesQuery = z.object({ runs: z.coerce.number().int().min(1).max(MAX_CHART_RUNS).default(25) });
const CalendarQuery = z.object({ year: z.coerce.number().int().min(1970).max(2200).optional() });

export const historyRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/dags/:dagId/runs/:runId/gantt',
    summary: "A run's tasks in dependency order with their tries, for its Gantt chart",
    tag: 'runs',
    role: 'viewer',
    params: RunParams,
    status: 200,
  },
  {
    method: 'get',
    path: '/dags/:dagId/task-times',
    summary: 'The latest runs with each task’s start, end and duration (task durations, landing times)',
    tag: 'runs',
    role: 'viewer',
    params: DagParams,
    query: TaskTimesQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/dags/:dagId/calendar',
    summary: "A year of a DAG's runs, counted per day and state",
    tag: 'runs',
    role: 'viewer',
    params: DagParams,
    query: CalendarQuery,
    status: 200,
  },
];

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The calendar year `now` falls in, in `timezone`. */
function yearIn(timezone: string, now: Date): number {
  return Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: timezone }).format(now));
}

function ganttTasks(order: Array<{ taskId: string; operator: string }>, rows: GanttTryRow[]): GanttTask[] {
  const byTask = new Map<string, GanttTask>();
  for (const row of rows) {
    const task = byTask.get(row.taskId) ?? {
      taskId: row.taskId,
      operator: '',
      state: row.state as TaskState,
      queuedAt: iso(row.queuedAt),
      currentTry: row.currentTry,
      tries: [],
    };
    if (row.tryNumber !== null) {
      task.tries.push({
        tryNumber: row.tryNumber,
        state: (row.tryState ?? row.state) as TaskState,
        startedAt: iso(row.startedAt),
        endedAt: iso(row.endedAt),
      });
    }
    byTask.set(row.taskId, task);
  }
  return order.flatMap((node) => {
    const task = byTask.get(node.taskId);
    return task ? [{ ...task, operator: node.operator }] : [];
  });
}

export function historyRoutes(deps: ApiDeps): Router {
  const r = Router();

  /** The DAG's current version, parsed once per process. */
  const currentSpec = async (dagId: string) => {
    const [dag] = await listDagRows(deps.db.pool, { dagId, recentRuns: 0 });
    if (!dag) throw new NotFoundError(`DAG "${dagId}" does not exist`);
    return (await deps.engine.dags.get(dag.versionId)).spec;
  };

  r.get('/dags/:dagId/runs/:runId/gantt', async (req, res) => {
    const { dagId, runId } = parse(RunParams, req, 'params');
    const run = await findRunRow(deps.db.prisma, dagId, runId);
    if (!run) throw new NotFoundError(`DAG "${dagId}" has no run "${runId}"`);
    const version = await deps.engine.dags.get(run.dagVersionId).catch(() => {
      throw new NotFoundError(`DAG version of run "${runId}" is missing`);
    });
    const gantt: RunGantt = {
      dagId,
      runId,
      state: run.state as RunState,
      startedAt: iso(run.startedAt),
      endedAt: iso(run.endedAt),
      tasks: ganttTasks(taskNodes(version.spec), await readRunGantt(deps.db.pool, run.id)),
    };
    res.json(gantt);
  });

  r.get('/dags/:dagId/task-times', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const q = parse(TaskTimesQuery, req, 'query');
    const spec = await currentSpec(dagId);
    const { runs, tasks } = await readTaskTimes(deps.db.pool, dagId, q.runs);
    const byRun = new Map<string, TaskTimes['runs'][number]['tasks']>();
    for (const t of tasks) {
      const times = byRun.get(t.dagRunId) ?? {};
      times[t.taskId] = {
        state: t.state as TaskState,
        startedAt: iso(t.startedAt),
        endedAt: iso(t.endedAt),
        durationMs: t.durationMs,
      };
      byRun.set(t.dagRunId, times);
    }
    const body: TaskTimes = {
      dagId,
      tasks: taskNodes(spec).map((t) => t.taskId),
      runs: runs.map((run) => ({ ...presentRun(run), tasks: byRun.get(run.id) ?? {} })),
    };
    res.json(body);
  });

  r.get('/dags/:dagId/calendar', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const q = parse(CalendarQuery, req, 'query');
    const spec = await currentSpec(dagId);
    const year = q.year ?? yearIn(spec.timezone, deps.engine.now());
    const days = new Map<string, CalendarDay>();
    for (const row of await readRunDays(deps.db.pool, dagId, year, spec.timezone)) {
      const day = days.get(row.day) ?? { date: row.day, counts: {} };
      day.counts[row.state as RunState] = row.runs;
      days.set(row.day, day);
    }
    const body: RunCalendar = { dagId, year, timezone: spec.timezone, days: [...days.values()] };
    res.json(body);
  });

  return r;
}
