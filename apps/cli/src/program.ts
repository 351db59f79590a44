/**
 * The `sluice` command, built by a factory so tests drive it without spawning a
 * process: everything it touches (API client, output streams, environment, the
 * database migrator, the DAG validator, the process starter) comes in `deps`.
 */
import { readFileSync } from 'node:fs';
import { ApiError, ApiUnreachableError, type ApiIssue } from '@sluice/client';
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config';
import { CommandFailed, EXIT, UsageError, type CliDeps, type CommandContext, type Output } from './context';
import { registerDagCommands } from './dags';
import { registerRunCommands } from './runs';
import { registerSystemCommands } from './system';
import { registerTaskCommands } from './tasks';
import { registerBackfillCommands } from './backfills';
import { registerConnectionCommands } from './connections';
import { registerAuthCommands } from './auth';
import { registerUserCommands } from './users';
import { registerVariableCommands } from './variables';
import { registerPoolCommands } from './pools';
import { registerAssetCommands } from './assets';
import { registerLocalTestCommands } from './local-test';
import { registerPlanCommand } from './plan';
import { registerInitCommand } from './init';

const HELP_FOOTER = `
Environment:
  SLUICE_API_URL      the API the commands talk to (default http://127.0.0.1:8080)
  SLUICE_API_TOKEN    an API token to send (else the one \`sluice login\` saved for SLUICE_API_URL)
  XDG_CONFIG_HOME     where \`sluice login\` keeps tokens: $XDG_CONFIG_HOME/sluice (default ~/.config/sluice)
  DATABASE_URL        the database \`db migrate\` and \`users\` work on (default postgres://postgres@127.0.0.1:5432/sluice)
  SLUICE_DAGS_FOLDER  the folder \`dags validate\` checks when no path is given (default ./dags)

Exit codes: 0 ok, 1 the command failed or found errors, 2 bad usage or a bad argument.`;

/** The version of this package, read once. */
function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

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
    .version(cliVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', HELP_FOOTER);

  registerDagCommands(program, ctx);
  registerRunCommands(program, ctx);
  registerTaskCommands(program, ctx);
  registerBackfillCommands(program, ctx);
  registerConnectionCommands(program, ctx);
  registerAuthCommands(program, ctx);
  registerUserCommands(program, ctx);
  registerVariableCommands(program, ctx);
  registerPoolCommands(program, ctx);
  registerAssetCommands(program, ctx);
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
    return reportError(raw, deps.stderr, argv.includes('--json'));
  }
}

/** What went wrong, as the exit code and the message (with API field issues named as the CLI's own flags). */
function describeError(raw: unknown): { code: number; kind: string; message: string; issues: ApiIssue[] } {
  if (raw instanceof CommandFailed) return { code: raw.exitCode, kind: 'failed', message: raw.message, issues: [] };
  if (raw instanceof UsageError) return { code: EXIT.usage, kind: 'usage', message: raw.message, issues: [] };
  if (raw instanceof ApiError) {
    const issues = (raw.issues ?? []).map((i) => ({ path: asFlag(i.path), message: i.message }));
    const code = raw.status === 400 || raw.status === 422 ? EXIT.usage : EXIT.failed;
    return {
      code,
      kind: raw.code,
      message: raw.message.replace(/\b(body|query)\.([\w.]+)/g, (m) => asFlag(m)),
      issues,
    };
  }
  if (raw instanceof ApiUnreachableError)
    return { code: EXIT.failed, kind: 'unreachable', message: raw.message, issues: [] };
  if (raw instanceof ConfigError) return { code: EXIT.failed, kind: 'config', message: raw.message, issues: [] };
  return { code: EXIT.failed, kind: 'internal', message: raw instanceof Error ? raw.message : String(raw), issues: [] };
}

const ARGUMENTS: Record<string, string> = { dagId: '<dag>', runId: '<run>', taskId: '<task>', name: '<name>' };

/** `body.roleArn` → `--role-arn`, `body.conf.day` → `--conf day`, `params.dagId` → `<dag>`: what the user typed. */
export function asFlag(path: string): string {
  const [where, first, ...rest] = path.split('.');
  if (!first) return path;
  if (where === 'params') return ARGUMENTS[first] ?? `<${first}>`;
  if (where !== 'body' && where !== 'query') return path;
  const flag = `--${first.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return rest.length ? `${flag} ${rest.join('.')}` : flag;
}

function reportError(raw: unknown, stderr: Output, asJson: boolean): number {
  if (raw instanceof CommanderError) {
    // Commander has already printed its message (or the help) to stderr/stdout.
    if (raw.code === 'commander.helpDisplayed' || raw.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  const e = describeError(raw);
  // An exit code that is an answer, not a failure (`dags plan`: 3 = changes), comes without a message.
  if (e.message === '') return e.code;
  if (asJson) {
    stderr.write(`${JSON.stringify({ error: { code: e.kind, message: e.message, issues: e.issues } })}\n`);
    return e.code;
  }
  stderr.write(`error: ${e.message}\n`);
  for (const issue of e.issues) stderr.write(`  ${issue.path}: ${issue.message}\n`);
  return e.code;
}
