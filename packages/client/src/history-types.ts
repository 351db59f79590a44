/**
 * JSON of the API's run and DAG history views: notes, the Gantt chart of a
 * run, task times over recent runs, the calendar of a year, DAG versions.
 */
import type { RunState, RunSummary, TaskState } from './types';

/** What a person wrote about a run (`taskId` null) or one of its task instances. */
export interface RunNote {
  taskId: string | null;
  text: string;
  /** Who wrote it last. */
  author: string;
  createdAt: string;
  updatedAt: string;
}

export interface RunNoteBody {
  text: string;
}

export interface GanttTry {
  tryNumber: number;
  state: TaskState;
  startedAt: string | null;
  endedAt: string | null;
}

export interface GanttTask {
  taskId: string;
  operator: string;
  state: TaskState;
  /** When the current try was queued (null when it was not, or before it was kept); earlier tries' queue times are not kept. */
  queuedAt: string | null;
  currentTry: number;
  tries: GanttTry[];
}

/** A run's tasks in dependency order, each with its tries. */
export interface RunGantt {
  dagId: string;
  runId: string;
  state: RunState;
  startedAt: string | null;
  endedAt: string | null;
  tasks: GanttTask[];
}

export interface TaskTime {
  state: TaskState;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
}

/** The latest runs of a DAG, oldest first, with each task's times (durations, landing times). */
export interface TaskTimes {
  dagId: string;
  /** Task ids of the current version, in dependency order. */
  tasks: string[];
  runs: Array<RunSummary & { tasks: Record<string, TaskTime> }>;
}

export interface CalendarDay {
  /** YYYY-MM-DD in the DAG's time zone. */
  date: string;
  counts: Partial<Record<RunState, number>>;
}

/** A DAG's runs in one year, counted per day (by logical date) and state; days without runs are left out. */
export interface RunCalendar {
  dagId: string;
  year: number;
  timezone: string;
  days: CalendarDay[];
}

export interface DagVersion {
  hash: string;
  fileLoc: string;
  /** The git commit the version was first read from; null for a DAGs folder. */
  bundleCommit: string | null;
  /** The file at that commit on its git host, when the host is known. */
  sourceUrl: string | null;
  createdAt: string;
  /** Whether the version's source is kept (versions stored before sources were kept have none). */
  hasSource: boolean;
  /** The version the DAG runs now. */
  current: boolean;
}

export interface DagVersionSource extends DagVersion {
  source: string | null;
}
