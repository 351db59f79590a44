/** `sluice runs …`: list a DAG's runs, show one with its task instances, mark it failed or successful. */
import type { RunDetail, RunState, RunSummary, TaskInstance } from '@sluice/client';
import { Option, type Command } from 'commander';
import { positiveInt, type CommandContext } from './context';
import { between, dash, duration, fields, json, table, time } from './format';

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
      .action(async (dagId: string, runId: string) => {
        const run = await ctx.client.setRunState(dagId, runId, state);
        ctx.out(`marked ${dagId} run ${run.runId} as ${run.state}`);
      });
  }
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
