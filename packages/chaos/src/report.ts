/**
 * The chaos suite's results: what it measured, the invariant figures that
 * must be zero, and the table it prints. Pure.
 */
import type { AwsResults } from './aws';
import type { Death } from './cluster';
import type { FaultRecord } from './faults';
import type { Execution } from './ledger';
import type { OpenTry, RunsOutcome, TaskView } from './runs';

export interface ChaosConfig {
  runs: number;
  tasks: number;
  layers: number;
  width: number;
  workers: number;
  workerConcurrency: number;
  schedulers: number;
  kills: number;
  schedulerKill: boolean;
  redisFlush: boolean;
  postgresOutageMs: number;
  aws: boolean;
  baseline: boolean;
  settleMs: number;
  revive: boolean;
  longTasks: boolean;
}

export interface ChaosResults {
  date: string;
  command: string;
  /** Cores, Node version and the 1-minute load average when the suite started (the machine is shared). */
  machine: { cores: number; node: string; loadAverage1m: number };
  config: ChaosConfig;
  baseline: RunsOutcome | null;
  chaos: RunsOutcome & { faults: FaultRecord[]; faultsPlanned: number; faultsInjected: number };
  /** Unfinished task instances of the shell DAG's stuck runs (evidence), at most 20 per phase. */
  stuckTasks: TaskView[];
  aws: AwsResults | null;
  ledger: {
    executions: number;
    tries: number;
    duplicated: number;
    overlaps: number;
    unended: number;
    malformed: number;
    /** Up to 10 of each, as evidence. */
    examples: {
      duplicated: Array<{ key: string; executions: Execution[] }>;
      overlaps: Array<{ a: Execution; b: Execution }>;
    };
  };
  openTries: { count: number; examples: OpenTry[] };
  deaths: Death[];
  restarts: number;
  /** Processes started in place of ones that exited by themselves (--revive). */
  revived: number;
  /** Orphaned task shells the suite killed at the end (still running after the runs ended). */
  orphansKilled: number;
  invariants: Invariant[];
  ok: boolean;
}

export interface Invariant {
  name: string;
  value: number;
}

/** The figures that must be 0; anything else fails the suite. */
export function invariantsOf(r: Omit<ChaosResults, 'invariants' | 'ok'>): Invariant[] {
  const list: Invariant[] = [
    { name: 'runs failed (shell DAG, baseline + chaos)', value: (r.baseline?.failed ?? 0) + r.chaos.failed },
    { name: 'runs stuck (not ended within the bound)', value: (r.baseline?.stuck ?? 0) + r.chaos.stuck },
    { name: '(run, task, try) executed more than once', value: r.ledger.duplicated },
    { name: 'overlapping executions of one task instance', value: r.ledger.overlaps },
    { name: 'tries never closed (running/deferred, no end)', value: r.openTries.count },
    { name: 'processes that exited by themselves', value: r.deaths.length },
  ];
  if (r.aws) {
    list.push(
      { name: 'AWS scenarios not as expected', value: r.aws.scenarios.filter((s) => !s.ok).length },
      { name: 'external submissions above 1 per marker', value: r.aws.submissions.over.length },
      { name: 'external jobs left running after their task ended', value: r.aws.leftRunning.length },
    );
  }
  return list;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatReport(r: ChaosResults): string {
  const rows: Array<[string, string]> = [];
  const c = r.config;
  rows.push([
    'machine',
    `${r.machine.cores} cores, Node ${r.machine.node}, load average ${r.machine.loadAverage1m.toFixed(1)} at start`,
  ]);
  rows.push([
    'configuration',
    `${c.runs} runs × ${c.tasks} tasks (${c.layers}×${c.width}), ${c.schedulers} schedulers, ${c.workers} workers × ${c.workerConcurrency}`,
  ]);
  if (r.baseline)
    rows.push([
      'baseline runs success / failed / stuck',
      `${r.baseline.success} / ${r.baseline.failed} / ${r.baseline.stuck}`,
    ]);
  rows.push(['chaos runs success / failed / stuck', `${r.chaos.success} / ${r.chaos.failed} / ${r.chaos.stuck}`]);
  const byKind = new Map<string, { planned: number; injected: number }>();
  for (const f of r.chaos.faults) {
    const k = byKind.get(f.kind) ?? { planned: 0, injected: 0 };
    k.planned++;
    if (f.injected) k.injected++;
    byKind.set(f.kind, k);
  }
  rows.push([
    'faults injected / planned',
    [...byKind.entries()].map(([k, v]) => `${k} ${v.injected}/${v.planned}`).join(', ') || 'none',
  ]);
  rows.push(['ledger executions / distinct tries', `${r.ledger.executions} / ${r.ledger.tries}`]);
  rows.push(['executions per (run, task, try) above 1', String(r.ledger.duplicated)]);
  rows.push(['overlapping executions of a task instance', String(r.ledger.overlaps)]);
  rows.push(['executions with no end line', String(r.ledger.unended)]);
  rows.push(['tries never closed', String(r.openTries.count)]);
  if (r.aws) {
    rows.push([
      'AWS scenarios as expected',
      `${r.aws.scenarios.filter((s) => s.ok).length} / ${r.aws.scenarios.length} (${r.aws.scenarios.map((s) => `${s.scenario}=${s.actual}`).join(', ')})`,
    ]);
    rows.push([
      'external submissions per marker (max)',
      `${r.aws.submissions.max} over ${r.aws.submissions.markers} markers; above 1: ${r.aws.submissions.over.length}`,
    ]);
    rows.push(['external jobs left running', String(r.aws.leftRunning.length)]);
  }
  rows.push([
    'processes exited by themselves / restarted by the suite',
    `${r.deaths.length} / ${r.restarts}${r.config.revive ? ` (+${r.revived} revived)` : ''}`,
  ]);
  rows.push(['orphaned task shells killed at the end', String(r.orphansKilled)]);
  if (r.baseline)
    rows.push([
      'total time chaos vs baseline',
      `${secs(r.chaos.ms)} vs ${secs(r.baseline.ms)} (×${(r.chaos.ms / r.baseline.ms).toFixed(2)})`,
    ]);
  else rows.push(['total time chaos', secs(r.chaos.ms)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${pad(k, width)}  ${v}`);
  const bad = r.invariants.filter((i) => i.value !== 0);
  lines.push(
    '',
    bad.length === 0
      ? 'PASS: every invariant figure is 0'
      : `FAIL: ${bad.map((i) => `${i.name} = ${i.value}`).join('; ')}`,
  );
  return lines.join('\n');
}
