/** The results file and the table printed from it. */
import type { MachineFacts } from './machine';
import { targets, type GuardResult } from './guard';
import { ratio, type Spread } from './stats';
import type { HandoffResult } from './sections/handoff';
import type { ThroughputResult } from './sections/throughput';
import type { PeerFlowResult, PeerThroughputResult } from './sections/peer';
import type { ScaleRun } from './sections/scale';
import type { LoadingResult } from './sections/loading';
import type { GridResult } from './sections/api';
import type { MappingResult } from './sections/mapping';
import type { CliResult } from './sections/cli';
import type { UiPagesResult } from './sections/ui-pages';
import type { HistoryResult } from './sections/history';
import { formatHistory } from './sections/history-report';
import { formatSoak, type SoakResult } from './sections/soak';

export interface BenchResults {
  mode: 'full' | 'quick';
  startedAt: string;
  durationS: number;
  machine: MachineFacts;
  setup: Record<string, string | number>;
  handoff?: HandoffResult;
  throughput: ThroughputResult[];
  bullmq: { throughput?: PeerThroughputResult; flow?: PeerFlowResult };
  scale: ScaleRun[];
  loading?: LoadingResult;
  grid: GridResult[];
  mapping?: MappingResult;
  cli?: CliResult;
  ui?: UiPagesResult;
  history?: HistoryResult;
  soak?: SoakResult;
  headline: Headline;
  checks: TargetCheck[];
  guard?: GuardResult;
  /** Sections that failed, with why. */
  errors: Record<string, string>;
}

export interface Headline {
  /** Sluice TI/s with 2 workers ÷ bare BullMQ jobs/s (medians). */
  throughputRatio: number | null;
  /** Sluice handoff p50 ÷ BullMQ flow hop p50 (medians). */
  hopRatio: number | null;
  /** Time per task at 10,000 tasks ÷ at 1,000. */
  scalePerTaskGrowth: number | null;
  /** When the large run did not finish: time per task that did succeed ÷ time per task at 1,000, a lower bound. */
  scalePerTaskGrowthAtLeast: number | null;
}

export interface TargetCheck {
  figure: string;
  value: number | null;
  target: string;
  met: boolean | null;
}

export function headline(r: Pick<BenchResults, 'handoff' | 'throughput' | 'bullmq' | 'scale'>): Headline {
  const tp2 = r.throughput.find((t) => t.workers === 2);
  const small = r.scale.find((s) => s.tasks < 5_000 && s.finished);
  const large = r.scale.find((s) => s.tasks >= 5_000 && s.finished);
  const unfinished = r.scale.find((s) => s.tasks >= 5_000 && !s.finished && s.succeeded > 0);
  return {
    throughputRatio: ratio(tp2?.tiPerSec.median, r.bullmq.throughput?.jobsPerSec.median),
    hopRatio: ratio(r.handoff?.p50.median, r.bullmq.flow?.p50.median),
    scalePerTaskGrowth: ratio(large?.perTaskMs, small?.perTaskMs),
    scalePerTaskGrowthAtLeast: ratio(unfinished?.perSucceededTaskMs, small?.perTaskMs),
  };
}

export function targetChecks(r: Omit<BenchResults, 'checks' | 'guard' | 'durationS'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (figure: string, value: number | null | undefined, target: string, ok: (v: number) => boolean) =>
    checks.push({
      figure,
      value: value ?? null,
      target,
      met: value === null || value === undefined ? null : ok(value),
    });
  add('handoff p50 (ms)', r.handoff?.p50.median, `<= ${targets.handoffP50Ms}`, (v) => v <= targets.handoffP50Ms);
  add('handoff p99 (ms)', r.handoff?.p99.median, `<= ${targets.handoffP99Ms}`, (v) => v <= targets.handoffP99Ms);
  const tp2 = r.throughput.find((t) => t.workers === 2);
  add(
    'throughput, 2 workers (TI/s)',
    tp2?.tiPerSec.median,
    `>= ${targets.throughputTiPerSec2Workers}`,
    (v) => v >= targets.throughputTiPerSec2Workers,
  );
  add(
    'throughput ÷ BullMQ',
    r.headline.throughputRatio,
    `>= ${targets.throughputRatioMin}`,
    (v) => v >= targets.throughputRatioMin,
  );
  add('hop p50 ÷ BullMQ', r.headline.hopRatio, `<= ${targets.hopRatioMax}`, (v) => v <= targets.hopRatioMax);
  add('sluice --help (ms)', r.cli?.helpMs.median, `< ${targets.cliHelpMs}`, (v) => v < targets.cliHelpMs);
  if (r.mode === 'full') {
    add(
      '10k ÷ 1k time per task',
      r.headline.scalePerTaskGrowth,
      `<= ${targets.scalePerTaskGrowthMax}`,
      (v) => v <= targets.scalePerTaskGrowthMax,
    );
    const large = r.scale.find((s) => s.tasks >= 5_000);
    add(
      'scheduler peak RSS, 10k run (MB)',
      large?.schedulerPeakRssMb,
      `< ${targets.schedulerRssMb}`,
      (v) => v < targets.schedulerRssMb,
    );
    add('load 1,000 DAG files (ms)', r.loading?.totalMs.median, `< ${targets.dagLoadMs}`, (v) => v < targets.dagLoadMs);
    add(
      '1,000 files: the 20 broken are import errors',
      r.loading ? (r.loading.importErrorsMatch ? 1 : 0) : null,
      '= 1 (yes)',
      (v) => v === 1,
    );
    const g365 = r.grid.find((g) => g.runs >= 300);
    const g10k = r.grid.find((g) => g.tasks >= 5_000);
    add('grid 365×50 p50 (ms)', g365?.p50.median, `< ${targets.grid365x50P50Ms}`, (v) => v < targets.grid365x50P50Ms);
    add(
      'grid 10k-task run p50 (ms)',
      g10k?.p50.median,
      `< ${targets.grid10kRunP50Ms}`,
      (v) => v < targets.grid10kRunP50Ms,
    );
    add(
      'mapped ÷ static 1,000-wide fan-out',
      r.mapping?.ratio,
      `<= ${targets.mappedFanoutRatioMax}`,
      (v) => v <= targets.mappedFanoutRatioMax,
    );
    add(
      'grid, 10,000 mapped instances, p50 (ms)',
      r.mapping?.grid?.p50.median,
      `< ${targets.gridMapped10kP50Ms}`,
      (v) => v < targets.gridMapped10kP50Ms,
    );
    for (const page of r.ui?.pages ?? []) {
      add(
        `${page.page} p95, 500 runs (ms)`,
        page.p95.median,
        `< ${targets.uiPageP95Ms}`,
        (v) => v < targets.uiPageP95Ms,
      );
    }
  }
  return checks;
}

const num = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : v >= 100
      ? Math.round(v).toLocaleString('en-US')
      : v.toFixed(digits);
const sp = (s: Spread | undefined, digits = 1) =>
  s ? [num(s.median, digits), num(s.min, digits), num(s.max, digits)] : ['—', '—', '—'];

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatReport(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`Sluice benchmark (${r.mode}) — ${r.startedAt}, ${r.durationS.toFixed(0)} s`);
  out.push(
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, load ${m.loadAverage1m}; Node ${m.node}; Redis ${m.redis}; ${m.postgres.split(' on ')[0] ?? m.postgres}`,
  );
  out.push(
    Object.entries(r.setup)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  );
  out.push('');
  const rows: string[][] = [];
  if (r.handoff) {
    const h = r.handoff;
    rows.push([`handoff p50, chain of ${h.chainLength} (ms)`, ...sp(h.p50)]);
    rows.push([`handoff p95 (ms)`, ...sp(h.p95)]);
    rows.push([`handoff p99 (ms)`, ...sp(h.p99)]);
  }
  const f = r.bullmq.flow;
  if (f) {
    rows.push([`BullMQ flow hop p50, chain of ${f.chainLength} (ms)`, ...sp(f.p50, 2)]);
    rows.push([`BullMQ flow hop p95 (ms)`, ...sp(f.p95, 2)]);
    rows.push([`BullMQ flow hop p99 (ms)`, ...sp(f.p99, 2)]);
  }
  for (const t of r.throughput) {
    rows.push([
      `Sluice TI/s, ${t.workers} worker(s) × ${t.workerConcurrency}, ${t.runs} runs × ${t.tasksPerRun}`,
      ...sp(t.tiPerSec),
    ]);
    rows.push([`  first rep, not counted (TI/s)`, num(t.warmup.tiPerSec, 0), '', '']);
    const cpu = Object.entries(t.cpuPerTiUs ?? {}).sort(([, a], [, b]) => b - a);
    if (cpu.length > 0) rows.push([`  CPU µs per TI: ${cpu.map(([k, v]) => `${k} ${v}`).join(', ')}`, '', '', '']);
  }
  const b = r.bullmq.throughput;
  if (b) {
    rows.push([`BullMQ jobs/s, 1 worker × ${b.concurrency}, ${b.jobs} jobs`, ...sp(b.jobsPerSec)]);
    rows.push([`  first rep, not counted (jobs/s)`, num(b.warmup.jobsPerSec, 0), '', '']);
  }
  for (const s of r.scale) {
    rows.push([
      `${s.tasks.toLocaleString('en-US')}-task run: total (s)${s.finished ? '' : ' — NOT FINISHED'}`,
      num(s.totalMs / 1000, 2),
      '',
      '',
    ]);
    rows.push([
      s.finished ? `  time per task (ms)` : `  time per succeeded task (${s.succeeded}) (ms)`,
      num(s.finished ? s.perTaskMs : s.perSucceededTaskMs, 2),
      '',
      '',
    ]);
    rows.push([
      `  scheduler / worker peak RSS (MB)`,
      `${num(s.schedulerPeakRssMb, 0)} / ${num(s.workerPeakRssMb, 0)}`,
      '',
      '',
    ]);
  }
  if (r.loading) {
    const l = r.loading;
    rows.push([`load+validate+record ${l.files} DAG files (ms)`, ...sp(l.totalMs, 0)]);
    rows.push([`  of which load+validate (ms)`, ...sp(l.loadMs, 0)]);
    rows.push([
      `  DAGs loaded / import errors (broken ${l.broken}, match: ${l.importErrorsMatch ? 'yes' : 'NO'})`,
      `${l.dagsLoaded} / ${l.importErrors}`,
      '',
      '',
    ]);
  }
  for (const g of r.grid) {
    rows.push([`grid ${g.runs} runs × ${g.tasks} tasks p50 (ms)`, ...sp(g.p50)]);
    rows.push([`  p95 (ms)`, ...sp(g.p95)]);
  }
  if (r.mapping) rows.push(...mappingRows(r.mapping));
  if (r.cli) {
    rows.push([`sluice --help, a new process each (ms)`, ...sp(r.cli.helpMs, 0)]);
    rows.push([`sluice dags list against the API (ms)`, ...sp(r.cli.dagsListMs, 0)]);
  }
  if (r.ui) {
    for (const page of r.ui.pages) {
      rows.push([`${page.page}, ${r.ui.runs} runs × ${r.ui.tasks} tasks, p50 (ms)`, ...sp(page.p50)]);
      rows.push([`  p95 (ms)`, ...sp(page.p95)]);
    }
  }
  out.push(table(['figure', 'median', 'min', 'max'], rows));
  out.push('');
  if (r.history) {
    out.push(formatHistory(r.history));
    out.push('');
  }
  if (r.soak) {
    out.push(formatSoak(r.soak));
    out.push('');
  }
  const hl = r.headline;
  out.push(
    `HEADLINE  Sluice ÷ BullMQ throughput: ${num(hl.throughputRatio, 3)}   Sluice ÷ BullMQ hop latency: ${num(hl.hopRatio, 2)}×`,
  );
  if (hl.scalePerTaskGrowthAtLeast !== null)
    out.push(
      `10k-task run did not finish: time per task grew at least ${num(hl.scalePerTaskGrowthAtLeast, 2)}× from 1k`,
    );
  out.push('');
  out.push(
    table(
      ['target', 'value', 'wanted', 'met'],
      r.checks.map((c) => [
        c.figure,
        num(c.value, 2),
        c.target,
        c.met === null ? 'not measured' : c.met ? 'yes' : 'NO',
      ]),
    ),
  );
  if (r.guard) {
    out.push('');
    for (const c of r.guard.checks) out.push(`guard ${c.passed ? 'ok  ' : 'FAIL'} ${c.reason}`);
    out.push(`guard: ${r.guard.passed ? 'passed' : 'FAILED'}`);
  }
  const errs = Object.entries(r.errors);
  if (errs.length > 0) {
    out.push('');
    for (const [section, message] of errs) out.push(`section ${section} failed: ${message}`);
  }
  return out.join('\n');
}

function mappingRows(m: MappingResult): string[][] {
  const w = m.width.toLocaleString('en-US');
  const rows: string[][] = [
    [`static fan-out of ${w} tasks: total (ms)`, ...sp(m.static.totalMs, 0)],
    [`  per task (ms)`, ...sp(m.static.perInstanceMs, 2)],
    [
      `  list end → first task start / last task end → collect end (ms)`,
      `${num(m.static.fanOutMs.median, 0)} / ${num(m.static.collectMs.median, 0)}`,
      '',
      '',
    ],
    [`one task mapped over ${w} items, expand + run + collect: total (ms)`, ...sp(m.mapped.totalMs, 0)],
    [`  per instance (ms)`, ...sp(m.mapped.perInstanceMs, 2)],
    [
      `  list end → first instance start (expand) / last instance end → collect end (ms)`,
      `${num(m.mapped.fanOutMs.median, 0)} / ${num(m.mapped.collectMs.median, 0)}`,
      '',
      '',
    ],
    [`  mapped ÷ static (medians); outputs collected`, num(m.ratio, 2), m.collected.join(','), ''],
  ];
  if (m.grid) {
    const g = m.grid;
    const note = g.runFinished ? '' : ' (run unfinished)';
    rows.push([
      `one task mapped over ${g.instances.toLocaleString('en-US')} items: run total (s)${g.runFinished ? '' : ' — NOT FINISHED'}`,
      num(g.runMs / 1000, 1),
      '',
      '',
    ]);
    rows.push([
      `grid, a run with ${g.instances.toLocaleString('en-US')} mapped instances${note}, p50 (ms)`,
      ...sp(g.p50),
    ]);
    rows.push([`  p95 (ms)`, ...sp(g.p95)]);
  }
  return rows;
}
