/** `sluice dags …`: list, show, trigger, pause/unpause, import errors and local validation. */
import type { DagDetail, DagLinks, DagSummary, ImportError, RunDetail } from '@sluice/client';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from './config';
import { CommandFailed, EXIT, UsageError, isoDate, type CommandContext } from './context';
import { dash, duration, fields, json, plural, table, time } from './format';

type JsonOpt = { json?: boolean };
type TriggerOpts = JsonOpt & { conf?: string; logicalDate?: string; runId?: string; wait?: boolean };

export function registerDagCommands(program: Command, ctx: CommandContext): void {
  const dags = program.command('dags').description('list, inspect, trigger and pause DAGs');

  dags
    .command('list')
    .description('list DAGs with their schedule and latest run')
    .option('--json', 'print the API JSON')
    .action(async (opts: JsonOpt) => {
      const page = await ctx.client.listDags();
      ctx.out(opts.json ? json(page) : dagsTable(page.items));
    });

  dags
    .command('show')
    .description('show a DAG: schedule, tasks, recent runs, and the assets and DAGs it waits on and feeds')
    .argument('<dag>', 'DAG id')
    .option('--json', 'print the API JSON (the DAG, with its links as `links`)')
    .action(async (dagId: string, opts: JsonOpt) => {
      const dag = await ctx.client.getDag(dagId);
      const links = await ctx.client.getDagLinks(dagId);
      ctx.out(opts.json ? json({ ...dag, links }) : `${dagDetail(dag)}${linksText(links)}`);
    });

  dags
    .command('trigger')
    .description('start a manual run of a DAG')
    .argument('<dag>', 'DAG id')
    .option('--conf <json>', 'run configuration, a JSON object')
    .addOption(new Option('--logical-date <iso>', 'logical date of the run (ISO 8601)').argParser(isoDate))
    .option('--run-id <id>', 'run id (default: chosen by the server)')
    .option('--wait', 'wait until the run ends; exit 1 if it failed')
    .option('--json', 'print the API JSON')
    .action(async (dagId: string, opts: TriggerOpts) => {
      const conf = opts.conf === undefined ? undefined : parseConf(opts.conf);
      const body: { conf?: Record<string, unknown>; logicalDate?: string; runId?: string } = {};
      if (conf !== undefined) body.conf = conf;
      if (opts.logicalDate !== undefined) body.logicalDate = opts.logicalDate;
      if (opts.runId !== undefined) body.runId = opts.runId;
      const run = await ctx.client.triggerRun(dagId, body);
      if (!opts.wait) {
        ctx.out(opts.json ? json(run) : `triggered ${dagId} run ${run.runId} (${run.state})`);
        return;
      }
      if (!opts.json) ctx.out(`triggered ${dagId} run ${run.runId}; waiting for it to end…`);
      const final = await waitForRun(ctx, run);
      ctx.out(opts.json ? json(final) : runOutcome(final));
      if (final.state === 'failed') throw new CommandFailed(`run ${final.runId} failed`, EXIT.failed);
    });

  dags
    .command('pause')
    .description('stop scheduling new runs of a DAG')
    .argument('<dag>', 'DAG id')
    .action(async (dagId: string) => {
      await ctx.client.setPaused(dagId, true);
      ctx.out(`paused ${dagId}`);
    });

  dags
    .command('unpause')
    .description('resume scheduling runs of a DAG')
    .argument('<dag>', 'DAG id')
    .action(async (dagId: string) => {
      await ctx.client.setPaused(dagId, false);
      ctx.out(`unpaused ${dagId}`);
    });

  dags
    .command('import-errors')
    .description('list DAG files the server could not load')
    .option('--json', 'print the API JSON')
    .action(async (opts: JsonOpt) => {
      const result = await ctx.client.listImportErrors();
      ctx.out(opts.json ? json(result) : importErrorsText(result.items));
      // As `dags validate`: errors found is exit 1, so scripts can gate on it.
      if (result.items.length > 0)
        throw new CommandFailed(`${plural(result.items.length, 'DAG file')} failed to import`);
    });

  dags
    .command('validate')
    .description('load and validate DAG files locally, without the API (exit 1 on any error)')
    .argument('[path]', 'DAG folder, or one DAG file in it (default: $SLUICE_DAGS_FOLDER or ./dags)')
    .action(async (path: string | undefined) => {
      const given = path ?? loadConfig(ctx.env).dagsFolder;
      const { folder, only } = await dagTarget(given);
      const all = await ctx.validateDags(folder);
      const result = only
        ? { errors: all.errors.filter((e) => e.fileLoc === only), dags: all.dags.filter((d) => d.fileLoc === only) }
        : all;
      for (const e of result.errors) {
        ctx.out(diagnostic(e));
      }
      if (result.errors.length > 0) {
        throw new CommandFailed(`${plural(result.errors.length, 'error')} in ${folder}`, EXIT.failed);
      }
      if (result.dags.length === 0) {
        ctx.out(`no DAGs found in ${folder}`);
        return;
      }
      ctx.out(
        table(
          ['DAG ID', 'FILE', 'TASKS'],
          result.dags.map((d) => [d.dagId, d.fileLoc, String(d.taskCount)]),
        ),
      );
      ctx.out(`${plural(result.dags.length, 'DAG')} OK`);
    });
}

/** `--conf` must be a JSON object; anything else is a usage error raised before any request. */
export function parseConf(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new UsageError(`--conf is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--conf must be a JSON object, e.g. --conf \'{"day":"2026-11-21"}\'');
  }
  return { ...value };
}

/** Polls the run until it reaches a terminal state. */
export async function waitForRun(ctx: CommandContext, run: RunDetail): Promise<RunDetail> {
  let current = run;
  while (current.state === 'queued' || current.state === 'running') {
    await ctx.sleep(ctx.pollIntervalMs);
    current = await ctx.client.getRun(current.dagId, current.runId);
  }
  return current;
}

function runOutcome(run: RunDetail): string {
  const took = duration(
    run.startedAt !== null && run.endedAt !== null ? Date.parse(run.endedAt) - Date.parse(run.startedAt) : null,
  );
  const failed = run.taskInstances.filter((t) => t.state === 'failed' || t.state === 'upstream_failed');
  const lines = [`run ${run.runId} ${run.state} after ${took}`];
  if (failed.length > 0) lines.push(`failed tasks: ${failed.map((t) => `${t.taskId} (${t.state})`).join(', ')}`);
  return lines.join('\n');
}

function dagsTable(items: DagSummary[]): string {
  if (items.length === 0) return 'no DAGs';
  return table(
    ['DAG ID', 'PAUSED', 'SCHEDULE', 'LAST RUN', 'LAST STATE', 'NEXT RUN', 'TASKS', 'TAGS'],
    items.map((d) => {
      const last = d.recentRuns[0];
      return [
        d.dagId,
        d.isPaused ? 'yes' : 'no',
        dash(d.schedule),
        last ? time(last.logicalDate) : '-',
        last ? last.state : '-',
        time(d.nextRunAt),
        String(d.taskCount),
        d.tags.join(',') || '-',
      ];
    }),
  );
}

function dagDetail(dag: DagDetail): string {
  const head = fields([
    ['dag', dag.dagId],
    ['description', dash(dag.description)],
    ['schedule', `${dash(dag.schedule)} (${dag.timezone})`],
    ['paused', dag.isPaused ? 'yes' : 'no'],
    ['owner', dash(dag.owner)],
    ['tags', dag.tags.join(', ') || '-'],
    ['file', dag.fileLoc],
    ['version', dag.versionHash],
    ['next run', time(dag.nextRunAt)],
  ]);
  const tasks = table(
    ['TASK ID', 'OPERATOR', 'UPSTREAM', 'TRIGGER RULE', 'RETRIES'],
    dag.tasks.map((t) => [t.taskId, t.operator, t.upstream.join(',') || '-', t.triggerRule, String(t.retries)]),
  );
  const runs =
    dag.recentRuns.length === 0
      ? 'no runs yet\n'
      : table(
          ['RUN ID', 'STATE', 'TYPE', 'LOGICAL DATE', 'STARTED', 'ENDED'],
          dag.recentRuns.map((r) => [
            r.runId,
            r.state,
            r.runType,
            time(r.logicalDate),
            time(r.startedAt),
            time(r.endedAt),
          ]),
        );
  return `${head}\ntasks:\n${tasks}\nrecent runs:\n${runs}`;
}

/** What a DAG waits on and feeds: assets, and DAGs linked by trigger and sensor tasks. Empty when nothing. */
export function linksText(l: DagLinks): string {
  const lines: string[] = [];
  const w = l.assetSchedule;
  if (w) {
    lines.push(`waits for assets: ${w.condition}${w.cron ? ` (and runs on ${w.cron})` : ''}`);
    lines.push(`  ${w.reason}`);
    for (const a of w.assets) {
      const from = l.fedBy.filter((f) => f.uri === a.uri).map((f) => `${f.dagId}.${f.taskId}`);
      const queued = `${plural(a.queuedEvents, 'event')} queued${a.lastQueuedAt ? `, last ${time(a.lastQueuedAt)}` : ''}`;
      lines.push(`  ${a.uri}: ${queued}; updated by ${from.join(', ') || 'nothing in Sluice (post events)'}`);
    }
  }
  if (l.outlets.length > 0) {
    lines.push('feeds assets:');
    for (const o of l.outlets) {
      const consumers = l.feeds.filter((f) => f.uri === o.uri && f.taskId === o.taskId).map((f) => f.dagId);
      lines.push(`  ${o.uri} (task ${o.taskId}) → ${consumers.join(', ') || 'no DAG waits on it'}`);
    }
  }
  const verb = (kind: string) => (kind === 'sluice.dagRunSensor' ? 'waits on' : 'triggers');
  if (l.linksTo.length > 0) {
    lines.push('DAGs it triggers or waits on:');
    for (const t of l.linksTo) lines.push(`  task ${t.taskId} ${verb(t.kind)} ${t.dagId}`);
  }
  if (l.linkedFrom.length > 0) {
    lines.push('DAGs that trigger or wait on it:');
    for (const t of l.linkedFrom) lines.push(`  ${t.dagId}.${t.taskId} ${verb(t.kind)} it`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function importErrorsText(items: ImportError[]): string {
  if (items.length === 0) return 'no import errors';
  return items.map(diagnostic).join('\n');
}

/** `file:line:column: message` as compilers print it, dropping the parts that are unknown. */
export function diagnostic(e: {
  fileLoc: string;
  line: number | null;
  column: number | null;
  message: string;
}): string {
  const where = [e.fileLoc, e.line ?? undefined, e.line === null ? undefined : (e.column ?? undefined)]
    .filter((part) => part !== undefined && part !== '')
    .join(':');
  return where === '' ? e.message : `${where}: ${e.message}`;
}

/** A folder to validate, or one file of it: what does not exist is a usage error naming it (exit 2). */
async function dagTarget(given: string): Promise<{ folder: string; only?: string }> {
  const st = await stat(given).catch(() => null);
  if (!st) throw new UsageError(`no such file or folder: ${given}`);
  if (st.isDirectory()) return { folder: given };
  if (!/\.(ts|mts|js|mjs)$/.test(given)) throw new UsageError(`${given} is not a DAG file (.ts, .mts, .js or .mjs)`);
  return { folder: dirname(given), only: basename(given) };
}
