/**
 * The `shell` operator: runs a command with bash in its own process group,
 * streams stdout/stderr into the task log, and on abort (timeout, clear)
 * kills the whole group — SIGTERM, then SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { InvalidOptionsError } from '@sluice/core';

export const ShellOptions = z.object({
  command: z.string().min(1, 'command must not be empty'),
  env: z.record(z.string(), z.string()).default({}),
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
    throw new InvalidOptionsError(`shell: ${issue ? `${issue.path.join('.') || 'options'}: ${issue.message}` : 'invalid options'}`);
  }
  return parsed.data;
}

export interface ShellRun {
  options: ShellOptions;
  /** Variables every task gets: SLUICE_DAG_ID, SLUICE_RUN_ID, SLUICE_LOGICAL_DATE… */
  contextEnv: Record<string, string>;
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
    const child = spawn('bash', ['-c', options.command], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...run.contextEnv, ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => run.log('stdout', d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => run.log('stderr', d));
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
      reject(err);
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Whatever the leader did, nothing it started may outlive the try.
      killGroup('SIGKILL');
      if (signal.aborted) reject(signal.reason);
      else if (code === 0) resolve({ exitCode: 0 });
      else reject(new ShellCommandError(code, sig));
    });
  });
}
