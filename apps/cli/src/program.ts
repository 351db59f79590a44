/**
 * The `sluice` command, built by a factory so tests drive it without spawning a
 * process: everything it touches (API client, output streams, environment, the
 * database migrator, the DAG validator, the process starter) comes in `deps`.
 */
import { ApiError, ApiUnreachableError } from '@sluice/client';
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config';
import { CommandFailed, EXIT, UsageError, type CliDeps, type CommandContext, type Output } from './context';
import { registerDagCommands } from './dags';
import { registerRunCommands } from './runs';
import { registerSystemCommands } from './system';
import { registerTaskCommands } from './tasks';
import { registerConnectionCommands } from './connections';
import { registerLocalTestCommands } from './local-test';
import { registerPlanCommand } from './plan';
import { registerInitCommand } from './init';

const HELP_FOOTER = `
Environment:
  SLUICE_API_URL      the API the commands talk to (default http://127.0.0.1:8080)
  DATABASE_URL        the database \`db migrate\` migrates (default postgres://postgres@127.0.0.1:5432/sluice)
  SLUICE_DAGS_FOLDER  the folder \`dags validate\` checks when no path is given (default ./dags)

Exit codes: 0 ok, 1 the command failed or found errors, 2 bad usage or a bad argument.`;

export function buildProgram(deps: CliDeps): Command {
  const ctx: CommandContext = {
    ...deps,
    out: (text) => {
      deps.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    pollIntervalMs: deps.pollIntervalMs ?? 1000,
  };

  const program = new Command('sluice')
    .description('Trigger, inspect, clear and rerun Sluice DAGs through the REST API')
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', HELP_FOOTER);

  registerDagCommands(program, ctx);
  registerRunCommands(program, ctx);
  registerTaskCommands(program, ctx);
  registerConnectionCommands(program, ctx);
  registerSystemCommands(program, ctx);
  registerLocalTestCommands(program, ctx);
  registerPlanCommand(program, ctx);
  registerInitCommand(program, ctx);
  return program;
}

/** Runs one invocation (`argv` without node and the script path) and returns the exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (raw) {
    return reportError(raw, deps.stderr);
  }
}

function reportError(raw: unknown, stderr: Output): number {
  if (raw instanceof CommanderError) {
    // Commander has already printed its message (or the help) to stderr/stdout.
    if (raw.code === 'commander.helpDisplayed' || raw.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  if (raw instanceof CommandFailed) {
    // An exit code that is an answer, not a failure (`dags plan`: 3 = changes), comes without a message.
    if (raw.message !== '') stderr.write(`error: ${raw.message}\n`);
    return raw.exitCode;
  }
  if (raw instanceof UsageError) {
    stderr.write(`error: ${raw.message}\n`);
    return EXIT.usage;
  }
  if (raw instanceof ApiError) {
    stderr.write(`error: ${raw.message}\n`);
    for (const issue of raw.issues ?? []) stderr.write(`  ${issue.path}: ${issue.message}\n`);
    return raw.status === 400 || raw.status === 422 ? EXIT.usage : EXIT.failed;
  }
  if (raw instanceof ApiUnreachableError || raw instanceof ConfigError) {
    stderr.write(`error: ${raw.message}\n`);
    return EXIT.failed;
  }
  const message = raw instanceof Error ? raw.message : String(raw);
  stderr.write(`error: ${message}\n`);
  return EXIT.failed;
}
