/**
 * The one gate a DAG definition passes before it is stored: shape (zod),
 * then structure (ids, upstream references, cycles), schedule, dates and
 * retry options. Every problem is reported at once, each with a path such as
 * `tasks.load.upstream`.
 */
import { DagSpec } from './dag-spec';
import { directDownstream, findCycles, formatCycle } from './dag-graph';
import { DagValidationError, InvalidOptionsError, type DagIssue } from './errors';
import { compileRetryPolicy } from './retry-policy';
import { compileSchedule, parseDagDate } from './timetable';
import { isValidTimezone } from './timezone';
import { mapIssues } from './mapping';

const messageOf = (raw: unknown): string => (raw instanceof Error ? raw.message : String(raw));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `['tasks', 2, 'retry']` → `tasks.load.retry`, naming a task by its id when it has one. */
function pathOf(raw: unknown, path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  if (parts[0] === 'tasks' && typeof path[1] === 'number' && isRecord(raw) && Array.isArray(raw['tasks'])) {
    const task: unknown = raw['tasks'][path[1]];
    if (isRecord(task) && typeof task['taskId'] === 'string' && task['taskId'] !== '') parts[1] = task['taskId'];
  }
  return parts.length === 0 ? '(root)' : parts.join('.');
}

/** Problems that need the parsed spec: ids, references, cycles, schedule, dates, retries. */
function structuralIssues(spec: DagSpec): DagIssue[] {
  const issues: DagIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  if (spec.tasks.length === 0) add('tasks', 'a DAG needs at least one task');

  const positions = new Map<string, number[]>();
  spec.tasks.forEach((task, i) => {
    positions.set(task.taskId, [...(positions.get(task.taskId) ?? []), i]);
  });
  for (const [id, at] of positions) {
    if (at.length > 1) {
      add(`tasks.${id}.taskId`, `task id "${id}" is used by ${at.length} tasks (positions ${at.join(', ')})`);
    }
  }

  for (const task of spec.tasks) {
    const path = `tasks.${task.taskId}.upstream`;
    const listed = new Set<string>();
    for (const up of task.upstream) {
      if (up === task.taskId) add(path, `task "${task.taskId}" lists itself as upstream`);
      else if (!positions.has(up)) add(path, `unknown upstream task "${up}"`);
      else if (listed.has(up)) add(path, `upstream task "${up}" is listed twice`);
      listed.add(up);
    }
    try {
      compileRetryPolicy(task.retry);
    } catch (raw) {
      add(`tasks.${task.taskId}.retry`, messageOf(raw));
    }
  }

  issues.push(...flowIssues(spec));
  issues.push(...mapIssues(spec));

  for (const cycle of findCycles(spec)) add(`tasks.${cycle[0] ?? ''}.upstream`, `cycle: ${formatCycle(cycle)}`);

  if (!isValidTimezone(spec.timezone)) {
    add('timezone', `"${spec.timezone}" is not an IANA time zone name (e.g. "UTC", "Europe/Copenhagen")`);
  } else {
    try {
      compileSchedule(spec.schedule, spec.timezone);
    } catch (raw) {
      if (!(raw instanceof InvalidOptionsError)) throw raw;
      add('schedule', raw.message);
    }
  }

  const dates: Array<Date | null> = [];
  for (const field of ['startDate', 'endDate'] as const) {
    try {
      dates.push(parseDagDate(spec[field], field));
    } catch (raw) {
      add(field, messageOf(raw));
      dates.push(null);
    }
  }
  const [start, end] = dates;
  if (start && end && start > end) {
    add('endDate', `endDate ${end.toISOString()} is before startDate ${start.toISOString()}`);
  }
  if (spec.schedule?.trim() === '@once' && spec.startDate === null) {
    add('startDate', 'a DAG scheduled @once needs a startDate: its one run happens then');
  }
  return issues;
}

/** Branch choices that are not direct downstream, teardowns without a setup, group prefixes. */
function flowIssues(spec: DagSpec): DagIssue[] {
  const issues: DagIssue[] = [];
  const roles = new Map(spec.tasks.map((t) => [t.taskId, t.role]));
  const downstream = directDownstream(spec);
  for (const task of spec.tasks) {
    const id = task.taskId;
    if (task.branch?.kind === 'choose') {
      const direct = downstream.get(id) ?? [];
      for (const choice of task.branch.choices.filter((c) => !direct.includes(c))) {
        issues.push({
          path: `tasks.${id}.branch`,
          message: `branch choice "${choice}" is not a direct downstream task of "${id}" (its direct downstream: ${direct.join(', ') || 'none'})`,
        });
      }
    }
    if (task.role === 'teardown' && !task.upstream.some((up) => roles.get(up) === 'setup')) {
      issues.push({ path: `tasks.${id}.role`, message: `teardown "${id}" needs a setup task among its upstream` });
    }
    if (task.failRun !== undefined && task.role !== 'teardown') {
      issues.push({ path: `tasks.${id}.failRun`, message: `only a teardown takes failRun; "${id}" is not one` });
    }
    if (task.group !== undefined && !id.startsWith(`${task.group}.`)) {
      issues.push({
        path: `tasks.${id}.group`,
        message: `task "${id}" is in group "${task.group}", so its id must start with "${task.group}."`,
      });
    }
  }
  return issues;
}

/**
 * Parses and checks a DAG definition; returns it typed, or throws
 * DagValidationError listing every problem found.
 */
export function validateDag(input: unknown): DagSpec {
  const parsed = DagSpec.safeParse(input);
  if (!parsed.success) {
    const dagId = isRecord(input) && typeof input['dagId'] === 'string' ? input['dagId'] : '(unnamed)';
    throw new DagValidationError(
      dagId,
      parsed.error.issues.map((issue) => ({ path: pathOf(input, issue.path), message: issue.message })),
    );
  }
  const issues = structuralIssues(parsed.data);
  if (issues.length > 0) throw new DagValidationError(parsed.data.dagId, issues);
  return parsed.data;
}
