/** `sluice tasks …`: clear (rerun), read logs, show tries, mark a task instance. */
import type { ClearRangeBody, ClearResult, LogLine, TaskInstanceDetail, TaskState } from '@sluice/client';
import { Option, type Command } from 'commander';
import { CommandFailed, UsageError, isoDate, positiveInt, type CommandContext } from './context';
import { dash, duration, fields, json, plural, table, time } from './format';

/** How a command's <task> argument reads: a task, or one instance of a mapped task. */
const TASK_ARG = "task id, or one instance of a mapped task: 'load[3]' ('load' is every instance)";

/** Log lines asked for per request; a shorter page means we have caught up. */
const LOG_PAGE = 1000;

type JsonOpt = { json?: boolean };
type LogsOpts = { try?: number; follow?: boolean };
type ClearOpts = JsonOpt & {
  from?: string;
  to?: string;
  task?: string;
  onlyFailed?: boolean;
  downstream?: boolean;
  upstream?: boolean;
  past?: boolean;
  future?: boolean;
  dryRun?: boolean;
};

/** States a task instance leaves only when someone clears it: `--follow` ends on them. */
const FINAL: ReadonlySet<TaskState> = new Set<TaskState>(['success', 'failed', 'skipped', 'upstream_failed']);

/** `--follow` ends with the task's outcome: exit 0 for success or skipped, 1 for failed or upstream_failed. */
function endWith(taskId: string, state: TaskState, ctx: CommandContext): void {
  if (state === 'failed' || state === 'upstream_failed') throw new CommandFailed(`task ${taskId} ended ${state}`);
  ctx.stderr.write(`task ${taskId} ended ${state}\n`);
}

export function registerTaskCommands(program: Command, ctx: CommandContext): void {
  const tasks = program.command('tasks').description('clear, rerun, inspect and mark task instances');

  tasks
    .command('clear')
    .alias('rerun')
    .description(
      'clear task instances so the scheduler runs them again: one task of one run, or with --from/--to every matching one in a range of runs',
    )
    .argument('<dag>', 'DAG id')
    .argument('[run]', 'run id (not with --from/--to)')
    .argument('[task]', `${TASK_ARG} (not with --from/--to)`)
    .addOption(
      new Option('--from <date>', 'clear the runs with a logical date from this one (2026-03-01 or ISO)').argParser(
        isoDate,
      ),
    )
    .addOption(new Option('--to <date>', 'to this one, included').argParser(isoDate))
    .option('--task <regex>', 'with --from/--to: only tasks whose id matches this regular expression')
    .option('--only-failed', 'only failed and upstream_failed task instances')
    .option('--downstream', 'also every task downstream of it')
    .option('--upstream', 'also every task upstream of it')
    .option('--past', 'one task: the same task in every earlier run too')
    .option('--future', 'one task: the same task in every later run too')
    .option('--dry-run', 'list what would be cleared; change nothing')
    .option('--json', 'print the API JSON')
    .action(async (dagId: string, runId: string | undefined, taskId: string | undefined, opts: ClearOpts) => {
      const common = {
        onlyFailed: opts.onlyFailed === true,
        downstream: opts.downstream === true,
        upstream: opts.upstream === true,
        dryRun: opts.dryRun === true,
      };
      let result: ClearResult;
      if (opts.from !== undefined || opts.to !== undefined) {
        if (opts.from === undefined || opts.to === undefined) throw new UsageError('--from and --to go together');
        if (runId !== undefined) throw new UsageError('give either <run> <task> or --from/--to, not both');
        if (opts.past || opts.future)
          throw new UsageError('--past and --future are for one task; a range names its runs');
        const body: ClearRangeBody = { from: opts.from, to: opts.to, ...common };
        if (opts.task !== undefined) body.taskPattern = opts.task;
        result = await ctx.client.clearRange(dagId, body);
      } else {
        if (runId === undefined || taskId === undefined) {
          throw new UsageError('name a <run> and a <task>, or a range with --from and --to');
        }
        if (opts.task !== undefined)
          throw new UsageError('--task is for a range (--from/--to); one task is named by <task>');
        result = await ctx.client.clearTask(dagId, runId, taskId, {
          ...common,
          past: opts.past === true,
          future: opts.future === true,
        });
      }
      ctx.out(opts.json ? json(result) : clearText(result));
    });

  tasks
    .command('logs')
    .description('print the log of a task try')
    .argument('<dag>', 'DAG id')
    .argument('<run>', 'run id')
    .argument('<task>', TASK_ARG)
    .addOption(new Option('--try <n>', 'try number (default: the latest)').argParser(positiveInt))
    .option(
      '-f, --follow',
      'keep printing new lines, through retries, until the task instance is final; exit 1 if it failed',
    )
    .action(async (dagId: string, runId: string, taskId: string, opts: LogsOpts) => {
      let tryNumber = opts.try;
      let after: number | undefined;
      // Set once the task instance is final: one more read drains what is left, then the command ends.
      let finalState: TaskState | null = null;
      for (;;) {
        const q: { try?: number; after?: number; limit: number } = { limit: LOG_PAGE };
        if (tryNumber !== undefined) q.try = tryNumber;
        if (after !== undefined) q.after = after;
        const page = await ctx.client.getLogs(dagId, runId, taskId, q);
        tryNumber = page.tryNumber;
        after = page.nextSeq;
        for (const line of page.lines) ctx.out(logLine(line));
        if (page.lines.length >= LOG_PAGE) continue;
        if (!opts.follow) return;
        if (finalState) return endWith(taskId, finalState, ctx);
        if (page.complete && opts.try !== undefined) return;
        const ti = await ctx.client.getTaskInstance(dagId, runId, taskId);
        if (opts.try === undefined && ti.tryNumber > tryNumber) {
          // A retry began: follow it, as `airflow tasks logs` does not.
          tryNumber = ti.tryNumber;
          after = undefined;
          ctx.out(`--- try ${tryNumber} ---`);
          continue;
        }
        if (FINAL.has(ti.state)) {
          finalState = ti.state;
          continue;
        }
        await ctx.sleep(ctx.pollIntervalMs);
      }
    });

  tasks
    .command('show')
    .description('show a task instance with each try and its error')
    .argument('<dag>', 'DAG id')
    .argument('<run>', 'run id')
    .argument('<task>', TASK_ARG)
    .option('--json', 'print the API JSON')
    .action(async (dagId: string, runId: string, taskId: string, opts: JsonOpt) => {
      const ti = await ctx.client.getTaskInstance(dagId, runId, taskId);
      ctx.out(opts.json ? json(ti) : taskDetail(ti));
    });

  for (const state of ['success', 'failed'] as const) {
    tasks
      .command(`mark-${state}`)
      .description(`set a task instance's state to ${state}`)
      .argument('<dag>', 'DAG id')
      .argument('<run>', 'run id')
      .argument('<task>', TASK_ARG)
      .action(async (dagId: string, runId: string, taskId: string) => {
        const ti = await ctx.client.setTaskState(dagId, runId, taskId, state);
        ctx.out(`marked ${taskId} in ${dagId} run ${runId} as ${ti.state}`);
      });
  }
}

function logLine(line: LogLine): string {
  const stream = line.stream === 'stdout' ? '' : `[${line.stream}] `;
  return `${time(line.at)} ${stream}${line.text}`;
}

function taskDetail(ti: TaskInstanceDetail): string {
  const head = fields([
    ['dag', ti.dagId],
    ['run', ti.runId],
    ['task', ti.mapIndex === undefined ? ti.taskId : `${ti.taskId}[${ti.mapIndex}]`],
    ...(ti.mapIndex === undefined ? [] : [['item', JSON.stringify(ti.mapItem)] as [string, string]]),
    ['state', ti.state],
    ['try', `${ti.tryNumber}/${ti.maxTries}`],
    ['operator', ti.operator],
    ['started', time(ti.startedAt)],
    ['ended', time(ti.endedAt)],
    ['duration', duration(ti.durationMs)],
    ['waiting for', dash(ti.waitingReason)],
    ...Object.entries(ti.external ?? {}).map(([k, v]): [string, string] => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  ]);
  if (ti.tries.length === 0) return `${head}\nno tries yet\n`;
  const tries = table(
    ['TRY', 'STATE', 'STARTED', 'ENDED', 'DURATION', 'HOST', 'ERROR'],
    ti.tries.map((t) => [
      String(t.tryNumber),
      t.state,
      time(t.startedAt),
      time(t.endedAt),
      duration(t.durationMs),
      dash(t.hostname),
      t.stoppedBy !== null
        ? `stopped: ${t.stoppedBy}`
        : t.error
          ? `${t.error.name}: ${firstLine(t.error.message)}`
          : '-',
    ]),
  );
  const errors = ti.tries.flatMap((t) =>
    t.error === null ? [] : [`try ${t.tryNumber}:\n${indent(t.error.stack ?? `${t.error.name}: ${t.error.message}`)}`],
  );
  return `${head}\ntries:\n${tries}${errors.length > 0 ? `\nerrors:\n${errors.join('\n\n')}\n` : ''}`;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** One line per run with the task instances cleared (or, in a dry run, to be cleared) and their state before. */
export function clearText(result: ClearResult): string {
  const count = result.runs.reduce((n, r) => n + r.tasks.length, 0);
  const lines = result.runs.map((r) => `${r.runId}: ${r.tasks.map((t) => `${t.taskId} (${t.state})`).join(', ')}`);
  const verb = result.dryRun ? 'would clear' : 'cleared';
  const tail = result.dryRun ? '; nothing was changed (dry run)' : '';
  return [...lines, `${verb} ${plural(count, 'task instance')} in ${plural(result.runs.length, 'run')}${tail}`].join(
    '\n',
  );
}
