/**
 * `sluice tasks test` and `sluice dags test`: run one task, or a whole DAG,
 * in this process tree — no scheduler, no Redis, no Postgres — with the
 * worker's operators, context, environment and timeouts. Exit code: 0 when
 * the task (every task) succeeded or was skipped, 1 when one failed.
 */
import { Option, type Command } from 'commander';
import type { LocalTaskResult } from '@sluice/sdk/testing';
import { CommandFailed, EXIT, UsageError, type CommandContext } from './context';
import { parseConf } from './dags';
import { duration, json, table } from './format';
import { loadLocalDag, openRunner, type LocalDag } from './local-run';

type LocalOpts = { logicalDate?: string; conf?: string; dagsFolder?: string; json?: boolean };
type TaskTestOpts = LocalOpts & { upstreamOutput: string[] };
type DagTestOpts = LocalOpts & { fastRetries?: boolean };

function subcommand(program: Command, name: string): Command {
  const found = program.commands.find((c) => c.name() === name);
  if (!found) throw new Error(`the "${name}" command group is not registered`);
  return found;
}

function folderOf(ctx: CommandContext, opts: LocalOpts): string {
  return opts.dagsFolder ?? ctx.env.SLUICE_DAGS_FOLDER ?? 'dags';
}

export function collectUpstreamOutput(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `extract={"rows":3}` → ['extract', { rows: 3 }]. */
export function parseUpstreamOutput(raw: string): [string, unknown] {
  const eq = raw.indexOf('=');
  if (eq <= 0)
    throw new UsageError(`--upstream-output ${JSON.stringify(raw)} must be task=JSON, e.g. extract='{"rows":3}'`);
  const taskId = raw.slice(0, eq);
  try {
    return [taskId, JSON.parse(raw.slice(eq + 1))];
  } catch (err) {
    throw new UsageError(
      `--upstream-output for "${taskId}" is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Splits a task's log chunks into lines and writes each with a prefix. */
function lineWriter(write: (line: string) => void): { push(text: string): void; flush(): void } {
  let partial = '';
  return {
    push(text) {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) write(line);
    },
    flush() {
      if (partial !== '') write(partial);
      partial = '';
    },
  };
}

function summary(r: LocalTaskResult): string {
  if (r.state === 'failed') return r.error ? `${r.error.name}: ${r.error.message}` : '';
  if (r.state !== 'success') return r.reason ?? '';
  if (!r.hasOutput) return '';
  const text = JSON.stringify(r.output) ?? '';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function resultJson(r: LocalTaskResult) {
  return {
    taskId: r.taskId,
    state: r.state,
    tries: r.tries,
    durationMs: r.durationMs,
    ...(r.hasOutput ? { output: r.output } : {}),
    ...(r.error ? { error: { name: r.error.name, message: r.error.message } } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

async function withDag<T>(
  ctx: CommandContext,
  dagId: string,
  opts: LocalOpts,
  work: (dag: LocalDag, runner: Awaited<ReturnType<typeof openRunner>>) => Promise<T>,
): Promise<T> {
  const folder = folderOf(ctx, opts);
  const dag = await loadLocalDag(folder, dagId);
  const opened = await openRunner(dag.spec, folder, ctx.env);
  if (opened.emulatorUrl && !opts.json)
    ctx.stderr.write(`No AWS configuration found: EMR and Glue calls go to an emulator at ${opened.emulatorUrl}\n`);
  try {
    return await work(dag, opened);
  } finally {
    await opened.close();
  }
}

export function registerLocalTestCommands(program: Command, ctx: CommandContext): void {
  const folderOption = new Option('--dags-folder <path>', 'the DAG files (default: SLUICE_DAGS_FOLDER or ./dags)');
  subcommand(program, 'tasks')
    .command('test')
    .description('run one task in this process tree, with no scheduler, Redis or database; exit 1 if it fails')
    .argument('<dag>', 'DAG id')
    .argument('<task>', 'task id')
    .option(
      '--logical-date <date>',
      "ISO instant, or a local date in the DAG's time zone (default: the latest interval)",
    )
    .option('--conf <json>', 'run configuration, a JSON object')
    .option('--upstream-output <task=json>', 'what an upstream task returned (repeatable)', collectUpstreamOutput, [])
    .addOption(folderOption)
    .option('--json', 'print the outcome as JSON instead of the log')
    .action(async (dagId: string, taskId: string, opts: TaskTestOpts) => {
      const conf = opts.conf === undefined ? {} : parseConf(opts.conf);
      const upstreamOutputs = new Map(opts.upstreamOutput.map(parseUpstreamOutput));
      const { localLogicalDate, runOneTaskLocally } = await import('@sluice/sdk/testing');
      const result = await withDag(ctx, dagId, opts, async ({ spec, version }, { runner }) => {
        const logicalDate = usageOnError(() => localLogicalDate(spec, opts.logicalDate, '--logical-date'));
        const out = lineWriter((line) => ctx.stdout.write(`${line}\n`));
        const err = lineWriter((line) => ctx.stderr.write(`${line}\n`));
        const r = await usageOnErrorAsync(() =>
          runOneTaskLocally({
            spec,
            taskId,
            logicalDate,
            conf,
            upstreamOutputs,
            runTask: (attempt) =>
              runner.runTry({
                ...attempt,
                version,
                log: (stream, text) => {
                  if (opts.json) return;
                  (stream === 'stderr' ? err : out).push(text);
                },
              }),
          }),
        );
        out.flush();
        err.flush();
        return r;
      });
      if (opts.json) ctx.out(json(resultJson(result)));
      else {
        ctx.out(`${dagId}.${taskId}: ${result.state} in ${duration(result.durationMs)}`);
        if (result.hasOutput) ctx.out(`output: ${JSON.stringify(result.output)}`);
        if (result.state === 'skipped' && result.reason) ctx.out(`skipped: ${result.reason}`);
      }
      if (result.state === 'failed') throw new CommandFailed(summary(result), EXIT.failed);
    });

  subcommand(program, 'dags')
    .command('test')
    .description('run a whole DAG in this process tree, in dependency order; exit 1 if a task fails')
    .argument('<dag>', 'DAG id')
    .option(
      '--logical-date <date>',
      "ISO instant, or a local date in the DAG's time zone (default: the latest interval)",
    )
    .option('--conf <json>', 'run configuration, a JSON object')
    .option('--fast-retries', 'retry failed tasks at once instead of after their retry delay')
    .addOption(new Option('--dags-folder <path>', 'the DAG files (default: SLUICE_DAGS_FOLDER or ./dags)'))
    .option('--json', 'print the outcome as JSON instead of the log and table')
    .action(async (dagId: string, opts: DagTestOpts) => {
      const conf = opts.conf === undefined ? {} : parseConf(opts.conf);
      const { localLogicalDate, runDagLocally } = await import('@sluice/sdk/testing');
      const result = await withDag(ctx, dagId, opts, async ({ spec, version }, { runner }) => {
        const logicalDate = usageOnError(() => localLogicalDate(spec, opts.logicalDate, '--logical-date'));
        const width = Math.max(...spec.tasks.map((t) => t.taskId.length));
        const writers = new Map<string, ReturnType<typeof lineWriter>>();
        const writerFor = (taskId: string) => {
          let w = writers.get(taskId);
          if (!w) {
            w = lineWriter((line) => ctx.stdout.write(`${taskId.padEnd(width)} | ${line}\n`));
            writers.set(taskId, w);
          }
          return w;
        };
        return runDagLocally({
          spec,
          logicalDate,
          conf,
          runTask: (attempt) =>
            runner.runTry({
              ...attempt,
              version,
              log: (_stream, text) => {
                if (!opts.json) writerFor(attempt.task.taskId).push(text);
              },
            }),
          ...(opts.fastRetries ? { wait: () => Promise.resolve() } : {}),
          onRetry: (task, error, delayMs) => {
            if (!opts.json)
              ctx.stdout.write(
                `${task.taskId.padEnd(width)} | retrying in ${duration(delayMs)} after ${error.name}: ${error.message}\n`,
              );
          },
          onTaskEnd: (r) => writers.get(r.taskId)?.flush(),
        });
      });
      if (opts.json) {
        ctx.out(
          json({
            dagId: result.dagId,
            runId: result.runId,
            logicalDate: result.logicalDate.toISOString(),
            state: result.state,
            tasks: result.tasks.map(resultJson),
          }),
        );
      } else {
        ctx.out(
          `\n${result.dagId} ${result.runId} (data interval ${result.dataInterval.start.toISOString()} – ${result.dataInterval.end.toISOString()}): ${result.state}\n`,
        );
        ctx.out(
          table(
            ['TASK', 'STATE', 'TRIES', 'DURATION', 'OUTPUT / ERROR'],
            result.tasks.map((r) => [r.taskId, r.state, String(r.tries), duration(r.durationMs), summary(r)]),
          ),
        );
      }
      if (result.state === 'failed') {
        const failed = result.tasks.filter((t) => t.state === 'failed').map((t) => t.taskId);
        throw new CommandFailed(`${dagId} failed: ${failed.join(', ')}`, EXIT.failed);
      }
    });
}

/** InvalidOptionsError from the SDK (a bad date, an unknown task) is bad usage: exit 2. */
function usageOnError<T>(work: () => T): T {
  try {
    return work();
  } catch (raw) {
    if (raw instanceof Error && raw.name === 'InvalidOptionsError') throw new UsageError(raw.message);
    throw raw;
  }
}

async function usageOnErrorAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (raw) {
    if (raw instanceof Error && raw.name === 'InvalidOptionsError') throw new UsageError(raw.message);
    throw raw;
  }
}
