/**
 * Reading the ledger the layered DAG's shell tasks append to: which
 * (run, task, try) executed how many times, and whether two tries of one
 * task instance ran at the same time. Pure.
 */

export interface LedgerEntry {
  runId: string;
  taskId: string;
  tryNumber: number;
  pid: number;
  kind: 'start' | 'end';
  /** Epoch ms. */
  at: number;
}

export interface Execution {
  runId: string;
  taskId: string;
  tryNumber: number;
  pid: number;
  start: number;
  /** Null when no end line was written (the shell was killed). */
  end: number | null;
}

const LINE = /^(\S+) (\S+) (\d+) (\d+) (start|end) (\d+)$/;

export function parseLedger(text: string): { entries: LedgerEntry[]; malformed: string[] } {
  const entries: LedgerEntry[] = [];
  const malformed: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) {
      malformed.push(line);
      continue;
    }
    entries.push({
      runId: m[1] ?? '',
      taskId: m[2] ?? '',
      tryNumber: Number(m[3]),
      pid: Number(m[4]),
      kind: m[5] === 'end' ? 'end' : 'start',
      at: Number(m[6]),
    });
  }
  return { entries, malformed };
}

const keyOf = (e: { runId: string; taskId: string; tryNumber: number }) => `${e.runId} ${e.taskId} ${e.tryNumber}`;

/** Pairs each start line with the end line of the same shell (same key and pid). */
export function executionsOf(entries: readonly LedgerEntry[]): Execution[] {
  const open = new Map<string, Execution>();
  const all: Execution[] = [];
  for (const e of entries) {
    const id = `${keyOf(e)} ${e.pid}`;
    if (e.kind === 'start') {
      const x: Execution = {
        runId: e.runId,
        taskId: e.taskId,
        tryNumber: e.tryNumber,
        pid: e.pid,
        start: e.at,
        end: null,
      };
      open.set(id, x);
      all.push(x);
    } else {
      const x = open.get(id);
      if (x) {
        x.end = e.at;
        open.delete(id);
      }
    }
  }
  return all;
}

export interface LedgerFindings {
  executions: number;
  /** Distinct (run, task, try) that executed. */
  tries: number;
  /** (run, task, try) that executed more than once, with each execution. */
  duplicated: Array<{ key: string; executions: Execution[] }>;
  /** Two different tries of one task instance whose start..end intervals overlap. */
  overlaps: Array<{ runId: string; taskId: string; a: Execution; b: Execution }>;
  /** Executions with no end line. */
  unended: Execution[];
}

/**
 * An execution without an end line counts as running until now when its
 * shell is still alive (`alive`), and as a point at its start otherwise
 * (it was killed at a time the ledger does not know).
 */
export function analyseLedger(
  entries: readonly LedgerEntry[],
  alive: ReadonlySet<number> = new Set(),
  now = Date.now(),
): LedgerFindings {
  const executions = executionsOf(entries);
  const byTry = new Map<string, Execution[]>();
  const byInstance = new Map<string, Execution[]>();
  for (const x of executions) {
    byTry.set(keyOf(x), [...(byTry.get(keyOf(x)) ?? []), x]);
    const inst = `${x.runId} ${x.taskId}`;
    byInstance.set(inst, [...(byInstance.get(inst) ?? []), x]);
  }
  const duplicated = [...byTry.entries()]
    .filter(([, xs]) => xs.length > 1)
    .map(([key, xs]) => ({ key, executions: xs }));
  const endOf = (x: Execution) => x.end ?? (alive.has(x.pid) ? now : x.start);
  const overlaps: LedgerFindings['overlaps'] = [];
  for (const xs of byInstance.values()) {
    for (let i = 0; i < xs.length; i++) {
      for (let j = i + 1; j < xs.length; j++) {
        const a = xs[i];
        const b = xs[j];
        if (!a || !b || a.tryNumber === b.tryNumber) continue;
        if (a.start < endOf(b) && b.start < endOf(a)) overlaps.push({ runId: a.runId, taskId: a.taskId, a, b });
      }
    }
  }
  return {
    executions: executions.length,
    tries: byTry.size,
    duplicated,
    overlaps,
    unended: executions.filter((x) => x.end === null),
  };
}
