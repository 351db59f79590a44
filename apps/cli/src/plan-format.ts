/**
 * `sluice dags plan` output: text for a terminal, Markdown for a pull
 * request comment, JSON for other tools. The three say the same things.
 */
import type { FieldChange, TaskChange } from '@sluice/core';
import type { DagPlan, Plan } from './plan-build';

const mark = { added: '+', removed: '-', renamed: '→', changed: '~', unchanged: ' ' } as const;

function value(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

function field(c: FieldChange): string {
  if (c.field === 'code') return `code: bundle ${String(c.before).slice(0, 12)} → ${String(c.after).slice(0, 12)}`;
  return `${c.field}: ${value(c.before)} → ${value(c.after)}`;
}

function task(t: TaskChange): string {
  if (t.kind !== 'changed') return `${mark[t.kind]} ${t.taskId} (${t.kind})`;
  return `~ ${t.taskId}: ${t.changes.map(field).join('; ')}`;
}

function title(d: DagPlan): string {
  const from = d.renamedFrom ? ` (renamed from ${d.renamedFrom})` : '';
  return `${mark[d.kind]} ${d.dagId}${from} — ${d.kind}${d.fileLoc ? `, ${d.fileLoc}` : ''}`;
}

function baseLabel(plan: Plan): string {
  return plan.base.kind === 'git'
    ? `${plan.base.ref} (${plan.base.commit.slice(0, 12)})`
    : `the DAGs deployed at ${plan.base.url}`;
}

function summaryLine(plan: Plan): string {
  const c = plan.counts;
  const parts = (['added', 'removed', 'renamed', 'changed'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${k}`);
  const changing = c.added + c.removed + c.renamed + c.changed;
  return changing === 0
    ? `No DAG changes (${c.unchanged} unchanged).`
    : `${changing} DAG${changing === 1 ? '' : 's'} change: ${parts.join(', ')}; ${c.unchanged} unchanged.`;
}

function catchUpLine(d: DagPlan): string | null {
  const c = d.catchUp;
  if (!c) return null;
  if (c.runs === 0 && c.notCreated === 0 && !d.schedule) return null;
  const range =
    c.first && c.last
      ? c.runs === 1
        ? ` (logical date ${c.first.toISOString()})`
        : ` (logical dates ${c.first.toISOString()} … ${c.last.toISOString()})`
      : '';
  const maxActive =
    d.head && c.runs > d.head.maxActiveRuns
      ? `; maxActiveRuns ${d.head.maxActiveRuns} lets them start that many at a time`
      : '';
  const earlier =
    c.notCreated > 0
      ? `; ${c.notCreated} earlier interval${c.notCreated === 1 ? '' : 's'} from the new start date are not created (the scheduler carries on after its latest run): trigger them by hand if they are wanted`
      : '';
  return `catch-up: the merge creates ${c.runs} run${c.runs === 1 ? '' : 's'} at once${range}${maxActive}${earlier}`;
}

function inFlightLine(d: DagPlan): string | null {
  if (d.inFlight === null) return null;
  if (d.inFlight.length === 0) return 'in flight: no runs';
  const runs = d.inFlight.map((r) => `${r.runId} (${r.state}) on version ${r.versionHash.slice(0, 12)}`).join(', ');
  return `in flight: ${runs}; each finishes on the version it started with, new runs use the new one`;
}

function runsTable(d: DagPlan): Array<[string, string, string]> {
  const s = d.schedule;
  if (!s) return [];
  const rows: Array<[string, string, string]> = [];
  const n = Math.max(s.before.length, s.after.length);
  for (let i = 0; i < n; i++) {
    const b = s.before[i];
    const a = s.after[i];
    rows.push([String(i + 1), b ? `${b.local}${b.dst ? ' ⚠' : ''}` : '', a ? `${a.local}${a.dst ? ' ⚠' : ''}` : '']);
  }
  return rows;
}

function dstNotes(d: DagPlan): string[] {
  const s = d.schedule;
  if (!s) return [];
  const moved = s.after.filter((r) => r.dst).map((r) => `run at ${r.local}: ${r.dst}`);
  return [...moved, ...s.dst.map((h) => h.note)];
}

export function planText(plan: Plan): string {
  const out: string[] = [
    `Plan: the work tree against ${baseLabel(plan)}, at ${plan.now.toISOString()}`,
    summaryLine(plan),
  ];
  for (const d of plan.dags.filter((x) => x.kind !== 'unchanged')) {
    out.push('', title(d));
    for (const c of d.changes) out.push(`    ${field(c)}`);
    if (d.tasks.length > 0) out.push('    tasks:', ...d.tasks.map((t) => `      ${task(t)}`));
    if (
      d.kind === 'changed' &&
      d.tasks.some((t) => t.kind !== 'changed' || t.changes.some((c) => c.field === 'upstream'))
    )
      out.push('    graph:', ...d.graph.map((g) => `      ${g}`));
    if (d.kind === 'added' || d.kind === 'removed') out.push('    graph:', ...d.graph.map((g) => `      ${g}`));
    const rows = runsTable(d);
    if (rows.length > 0 && d.schedule) {
      out.push(`    next runs (${d.schedule.timezone}):`);
      const w = Math.max(6, ...rows.map((r) => r[1].length));
      out.push(`      #  ${'before'.padEnd(w)}  after`);
      for (const [i, b, a] of rows) out.push(`      ${i}  ${b.padEnd(w)}  ${a}`.trimEnd());
    }
    for (const note of dstNotes(d)) out.push(`    ⚠ ${note}`);
    const cu = catchUpLine(d);
    if (cu) out.push(`    ${cu}`);
    const fl = inFlightLine(d);
    if (fl) out.push(`    ${fl}`);
  }
  if (plan.errors.length > 0) {
    out.push('', `Errors in the work tree (${plan.errors.length}):`);
    for (const e of plan.errors) out.push(`  ${location(e)}${e.message}`);
  }
  return `${out.join('\n')}\n`;
}

function location(e: { fileLoc: string; line: number | null; column: number | null }): string {
  if (!e.fileLoc) return '';
  return `${e.fileLoc}${e.line === null ? '' : `:${e.line}${e.column === null ? '' : `:${e.column}`}`}: `;
}

const md = (s: string): string => s.replaceAll('|', '\\|');

export function planMarkdown(plan: Plan): string {
  const out: string[] = [`### Sluice plan against ${baseLabel(plan)}`, '', summaryLine(plan)];
  if (plan.errors.length > 0) {
    out.push('', `**${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'} in the DAG files:**`, '');
    for (const e of plan.errors) out.push(`- \`${location(e)}\`${md(e.message)}`);
  }
  for (const d of plan.dags.filter((x) => x.kind !== 'unchanged')) {
    out.push(
      '',
      `#### \`${mark[d.kind]}\` ${d.dagId} — ${d.kind}${d.renamedFrom ? ` from \`${d.renamedFrom}\`` : ''}`,
      '',
    );
    if (d.fileLoc) out.push(`File: \`${d.fileLoc}\``, '');
    for (const c of d.changes) out.push(`- ${md(field(c))}`);
    for (const t of d.tasks) out.push(`- task ${md(task(t))}`);
    if (d.graph.some((g) => !g.startsWith(' '))) out.push('', '```diff', ...d.graph, '```');
    const rows = runsTable(d);
    if (rows.length > 0 && d.schedule) {
      out.push('', `Next runs (${d.schedule.timezone}):`, '', '| # | before | after |', '| - | - | - |');
      for (const [i, b, a] of rows) out.push(`| ${i} | ${b || '—'} | ${a || '—'} |`);
    }
    const notes = dstNotes(d);
    if (notes.length > 0) out.push('', ...notes.map((n) => `> ⚠️ ${md(n)}`));
    const extra = [catchUpLine(d), inFlightLine(d)].filter((x): x is string => x !== null);
    if (extra.length > 0) out.push('', ...extra.map((x) => `- ${md(x)}`));
  }
  return `${out.join('\n')}\n`;
}

export function planJson(plan: Plan, exitCode: number): string {
  const dags = plan.dags.map((d) => ({
    dagId: d.dagId,
    kind: d.kind,
    renamedFrom: d.renamedFrom,
    fileLoc: d.fileLoc,
    changes: d.changes,
    tasks: d.tasks,
    graph: d.graph,
    schedule: d.schedule,
    catchUp: d.catchUp,
    inFlight: d.inFlight,
  }));
  return `${JSON.stringify({ base: plan.base, now: plan.now, counts: plan.counts, exitCode, errors: plan.errors, dags }, null, 2)}\n`;
}
