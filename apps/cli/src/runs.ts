/** `sluice runs …`: list a DAG's runs, show one with its task instances, mark it failed or successful. */
import type { RunDetail, RunState, RunSummary, TaskInstance } from '@sluice/client';
import { Option, type Command } from 'commander';
import { positiveInt, type CommandContext } from './context';
import { between, dash, duration, fields, json, plural, table, time } from './format';
import { clearText } from './tasks';

const RUN_STATES: readonly RunState[] = ['queued', 'running', 'success', 'failed'];

type JsonOpt = { json?: boolean };
type ListOpts = JsonOpt & { limit?: number; state?: RunState };

export function registerRunCommands(program: Command, ctx: CommandContext): void {
  const runs = program.command('runs').description('list and inspect DAG runs, mark them failed or successful');

  runs
    .command('list')
    .description('list the runs of a DAG, newest first')
    .argument('<dag>', 'DAG id')
    .addOption(new Option('--limit <n>', 'how many runs to show').argParser(positiveInt))
    .addOption(new Option('--state <state>', 'only runs in this state').choices(RUN_STATES))
    .option('--json', 'print the API JSON')
    .action(async (dagId: string, opts: ListOpts) => {
      const q: { limit?: number; state?: RunState } = {};
      if (opts.limit !== undefined) q.limit = opts.limit;
      if (opts.state !== undefined) q.state = opts.state;
      const page = await ctx.client.listRuns(dagId, q);
      if (opts.json) {
        ctx.out(json(page));
        return;
      }
      ctx.out(page.items.length === 0 ? `no runs of ${dagId}` : runsTable(page.items));
      if (page.nextCursor !== null) {
        const total = page.totalCapped ? `more than ${page.total}` : String(page.total);
        ctx.out(`showing ${page.items.length} of ${total} runs (use --limit)`);
      }
    });

  runs
    .command('show')
    .description('show a run and the state of each of its task instances')
    .argument('<dag>', 'DAG id')
    .argument('<run>', 'run id')
    .option('--json', 'print the API JSON')
    .action(async (dagId: string, runId: string, opts: JsonOpt) => {
      const run = await ctx.client.getRun(dagId, runId);
      ctx.out(opts.json ? json(run) : runDetail(run));
    });

  for (const state of ['failed', 'success'] as const) {
    runs
      .command(`mark-${state}`)
      .description(`set a run's state to ${state}`)
      .argument('<dag>', 'DAG id')
      .argument('<run>', 'run id')
      .option('--dry-run', 'list the task instances the mark would change; change nothing')
      .action(async (dagId: string, runId: string, opts: { dryRun?: boolean }) => {
        if (opts.dryRun) {
          const preview = await ctx.client.markRun(dagId, runId, state, { dryRun: true });
          const tasks = preview.tasks.map((t) => `${t.taskId} (${t.state})`).join(', ');
          ctx.out(
            `marking ${runId} ${state} would change ${plural(preview.tasks.length, 'task instance')}${tasks ? `: ${tasks}` : ''}; nothing was changed (dry run)`,
          );
          return;
        }
        const run = await ctx.client.setRunState(dagId, runId, state);
        ctx.out(`marked ${dagId} run ${run.runId} as ${run.state}`);
      });
  }

  runs
    .command('clear')
    .description('clear a whole run (or only its failed task instances) so it runs again')
    .argument('<dag>', 'DAG id')
    .argument('<run>', 'run id')
    .option('--only-failed', 'only failed and upstream_failed task instances')
    .option('--dry-run', 'list what would be cleared; change nothing')
    .option('--json', 'print the API JSON')
    .action(async (dagId: string, runId: string, opts: JsonOpt & { onlyFailed?: boolean; dryRun?: boolean }) => {
      const result = await ctx.client.clearRun(dagId, runId, {
        onlyFailed: opts.onlyFailed === true,
        dryRun: opts.dryRun === true,
      });
      ctx.out(opts.json ? json(result) : clearText(result));
    });
}

function runsTable(items: RunSummary[]): string {
  return table(
    ['RUN ID', 'STATE', 'TYPE', 'LOGICAL DATE', 'STARTED', 'ENDED', 'DURATION'],
    items.map((r) => [
      r.runId,
      r.state,
      r.runType,
      time(r.logicalDate),
      time(r.startedAt),
      time(r.endedAt),
      duration(between(r.startedAt, r.endedAt)),
    ]),
  );
}

function runDetail(run: RunDetail): string {
  const head = fields([
    ['dag', run.dagId],
    ['run', run.runId],
    ['state', run.state],
    ['type', run.runType],
    ['logical date', time(run.logicalDate)],
    ['data interval', `${time(run.dataIntervalStart)} → ${time(run.dataIntervalEnd)}`],
    ['started', time(run.startedAt)],
    ['ended', time(run.endedAt)],
    ['version', run.versionHash],
    ['conf', JSON.stringify(run.conf)],
  ]);
  return `${head}\n${taskInstancesTable(run.taskInstances)}`;
}

export function taskInstancesTable(items: TaskInstance[]): string {
  if (items.length === 0) return 'no task instances\n';
  return table(
    ['TASK ID', 'STATE', 'TRY', 'OPERATOR', 'STARTED', 'DURATION', 'WAITING FOR'],
    items.map((t) => [
      t.taskId,
      t.state,
      `${t.tryNumber}/${t.maxTries}`,
      t.operator,
      time(t.startedAt),
      duration(t.durationMs),
      dash(t.waitingReason),
    ]),
  );
}
