/**
 * Evaluates DAG bundles in a small pool of child processes, so user code can
 * neither crash nor hang the process that loads DAGs. Each child imports many
 * files, one at a time: a crash, exit or timeout is blamed on the file in
 * flight. When that file was not the first in its child, an earlier file may
 * have caused it (a stray timer), so it is retried once in a fresh child
 * before it is blamed.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { registryExport } from './bundle';

const childScript = fileURLToPath(new URL('./evaluate-child.mjs', import.meta.url));

export interface EvalError {
  message: string;
  stack: string | null;
}

export type EvalOutcome = { specs: unknown[] } | { error: EvalError };

interface Job {
  fileLoc: string;
  bundlePath: string;
  retried: boolean;
  resolve(outcome: EvalOutcome): void;
}

type ChildMessage =
  | { ready: true }
  | { id: number; specs: unknown[] }
  | { id: number; error: EvalError }
  | { crash: EvalError };

class Slot {
  #child: ChildProcess | null = null;
  #evaluated = 0;
  #stderrTail = '';
  #nextId = 0;

  constructor(private readonly timeoutMs: number) {}

  /** Runs one job; resolves with its outcome, or with null when the job should be retried in a fresh child. */
  run(job: Job): Promise<EvalOutcome | null> {
    const child = this.#ensureChild();
    const id = ++this.#nextId;
    const firstInChild = this.#evaluated === 0;
    this.#evaluated += 1;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: EvalOutcome | null, killChild: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (killChild) this.#discard(child);
        resolve(outcome);
      };
      const blame = (message: string): void => {
        const retry = !firstInChild && !job.retried;
        finish(retry ? null : { error: { message, stack: null } }, true);
      };
      const onMessage = (msg: ChildMessage): void => {
        if ('crash' in msg) {
          const retry = !firstInChild && !job.retried;
          finish(retry ? null : { error: { message: `uncaught error while importing: ${msg.crash.message}`, stack: msg.crash.stack } }, true);
        } else if ('id' in msg && msg.id === id) {
          finish('error' in msg ? { error: msg.error } : { specs: msg.specs }, false);
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
        const tail = this.#stderrTail.trim();
        blame(`the process importing this file ${how}${tail ? `: ${tail.slice(-500)}` : ''}`);
      };
      const timer = setTimeout(() => blame(`importing this file took longer than ${this.timeoutMs} ms (does it wait on something at import time?)`), this.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, fileLoc: job.fileLoc, bundlePath: job.bundlePath });
    });
  }

  close(): void {
    if (this.#child) this.#discard(this.#child);
  }

  #ensureChild(): ChildProcess {
    if (this.#child) return this.#child;
    const child = fork(childScript, [registryExport], {
      execArgv: ['--enable-source-maps'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.#stderrTail = (this.#stderrTail + d).slice(-2000);
    });
    // A child must never keep the loading process alive.
    child.unref();
    child.channel?.unref();
    this.#child = child;
    this.#evaluated = 0;
    this.#stderrTail = '';
    return child;
  }

  #discard(child: ChildProcess): void {
    if (this.#child === child) this.#child = null;
    child.removeAllListeners('message');
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export interface EvaluatorPool {
  evaluate(fileLoc: string, bundlePath: string): Promise<EvalOutcome>;
  close(): void;
}

/** A pool of `size` children; `timeoutMs` bounds one file's import. */
export function createEvaluatorPool(size: number, timeoutMs: number): EvaluatorPool {
  const slots = Array.from({ length: Math.max(1, size) }, () => new Slot(timeoutMs));
  const queue: Job[] = [];
  const idle = [...slots];

  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const slot = idle.pop();
      const job = queue.shift();
      if (!slot || !job) return;
      void slot.run(job).then((outcome) => {
        idle.push(slot);
        if (outcome === null) queue.unshift({ ...job, retried: true });
        else job.resolve(outcome);
        pump();
      });
    }
  };

  return {
    evaluate(fileLoc, bundlePath) {
      return new Promise((resolve) => {
        queue.push({ fileLoc, bundlePath, retried: false, resolve });
        pump();
      });
    },
    close() {
      for (const slot of slots) slot.close();
    },
  };
}
