/**
 * The `shell` operator: runs a command with bash in its own process group,
 * streams stdout/stderr into the task log, and on abort (timeout, clear)
 * kills the whole group — SIGTERM, then SIGKILL after a grace period.
 *
 * The group also holds a watchdog: a background subshell blocked reading a
 * socket whose other end only the worker holds. However the worker ends —
 * even by SIGKILL — the kernel closes that end, the read returns, and the
 * watchdog kills the whole group, so no process of the task outlives its
 * worker. The command itself replaces the group leader (`exec`), so its exit
 * code or signal is the leader's, as before.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { InvalidOptionsError } from '@sluice/core';

/** An env value: a literal, or `{ variable: '<key>' }` for a variable's value, read by the worker when the try starts. */
export const ShellEnvValue = z.union([z.string(), z.object({ variable: z.string().min(1) }).strict()]);
export type ShellEnvValue = z.infer<typeof ShellEnvValue>;

export const ShellOptions = z.object({
  command: z.string().min(1, 'command must not be empty'),
  env: z.record(z.string(), ShellEnvValue).default({}),
  /** A connection whose region, endpoint and credentials the command gets as AWS_* variables. */
  connection: z.string().min(1).optional(),
  cwd: z.string().nullable().default(null),
  /** Exit codes that skip the task instead of failing it (Airflow's skip_on_exit_code). */
  skipOnExitCode: z.array(z.number().int()).default([99]),
});
export type ShellOptions = z.infer<typeof ShellOptions>;

/** Thrown when the command exits non-zero. */
export class ShellCommandError extends Error {
  override readonly name = 'ShellCommandError';
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(exitCode !== null ? `Command exited with code ${exitCode}` : `Command was killed by ${signal ?? 'a signal'}`);
  }
}

export function compileShellOptions(options: unknown): ShellOptions {
  const parsed = ShellOptions.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidOptionsError(
      `shell: ${issue ? `${issue.path.join('.') || 'options'}: ${issue.message}` : 'invalid options'}`,
    );
  }
  return parsed.data;
}

/** Variables of the worker's own environment a task may see; the rest (database URL, secret key, credentials) stays in the worker. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'TZ'] as const;

/** The base environment of a task's processes: PATH, HOME, LANG and TZ from `env` when set, nothing else. */
export function baseTaskEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/*
 * Run by the group leader: start the watchdog, then become the user's command.
 * The watchdog ignores SIGTERM so a timeout's SIGTERM leaves it guarding the
 * group through the grace period; it reads fd 3 until EOF, then kills the
 * group (itself included). The command gets neither fd 3 nor the watchdog's
 * place in its output pipes.
 */
const WRAPPER = `( trap '' TERM HUP INT; read -r _ <&3; kill -KILL 0 ) </dev/null >/dev/null 2>&1 &
exec -a bash "$BASH" -c "$1" 3<&-`;

export interface ShellRun {
  options: ShellOptions;
  /** Variables every task gets: SLUICE_DAG_ID, SLUICE_RUN_ID, SLUICE_LOGICAL_DATE… */
  contextEnv: Record<string, string>;
  /** The task's own env with variables read and its connection's AWS_* added: what `options.env` resolved to. */
  taskEnv: Record<string, string>;
  signal: AbortSignal;
  log: (stream: 'stdout' | 'stderr' | 'system', text: string) => void;
  killGraceMs?: number;
}

/** Resolves with the exit code 0, or rejects with ShellCommandError / the abort reason. */
export function runShell(run: ShellRun): Promise<{ exitCode: 0 }> {
  const { options, signal } = run;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn('bash', ['-c', WRAPPER, 'sluice-shell', options.command], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...baseTaskEnv(), ...run.contextEnv, ...run.taskEnv },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    // The worker's end of the watchdog's socket: it must stay open while the command runs.
    const lifeline = child.stdio[3];
    // Nothing is ever written on it; an error there (a reset as the group dies) says nothing about the command.
    lifeline?.on('error', () => undefined);
    const { stdout, stderr } = child;
    if (stdout === null || stderr === null) throw new Error('spawn returned no output pipes for the command');
    stdout.setEncoding('utf8').on('data', (d: string) => run.log('stdout', d));
    stderr.setEncoding('utf8').on('data', (d: string) => run.log('stderr', d));
    let killTimer: NodeJS.Timeout | null = null;
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = () => {
      run.log('system', `stopping the command's process group (SIGTERM)\n`);
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), run.killGraceMs ?? 5000);
      killTimer.unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      lifeline?.destroy();
      reject(err);
    });
    // Settled once the leader exited and its output pipes closed, as 'close'
    // would, but without waiting on the watchdog's socket.
    let exit: { code: number | null; sig: NodeJS.Signals | null } | null = null;
    let openPipes = 2;
    const settle = () => {
      if (exit === null || openPipes > 0) return;
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Whatever the leader did, nothing it started may outlive the try.
      killGroup('SIGKILL');
      lifeline?.destroy();
      if (signal.aborted) reject(signal.reason);
      else if (exit.code === 0) resolve({ exitCode: 0 });
      else reject(new ShellCommandError(exit.code, exit.sig));
    };
    stdout.on('close', () => {
      openPipes--;
      settle();
    });
    stderr.on('close', () => {
      openPipes--;
      settle();
    });
    child.on('exit', (code, sig) => {
      exit = { code, sig };
      settle();
    });
  });
}
