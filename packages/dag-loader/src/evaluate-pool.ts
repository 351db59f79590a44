/**
 * Evaluates DAG bundles in a small pool of child processes, so user code can
 * neither crash nor hang the process that loads DAGs. Each child imports many
 * files, one at a time, in the order they were sent; a few are sent ahead so
 * a child never waits on the parent between files. A crash, exit or timeout
 * is blamed on the file being imported, and the files sent after it go to
 * another child. When that file was not the first in its child, an earlier
 * file may have caused it (a stray timer), so it is retried once in a fresh
 * child before it is blamed. Children get only the environment they are
 * given (never the loading process's secrets) and lead their own process
 * group; a child is killed with everything it started, so a DAG file that
 * spawns a process leaves none behind.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { registryExport } from './bundle';
import { killTree } from './process-tree';

const childScript = fileURLToPath(new URL('./evaluate-child.mjs', import.meta.url));

/** Files a child holds at once: the one it imports and the ones queued behind it. */
const sendAhead = 4;

export interface EvalError {
  message: string;
  stack: string | null;
  /** The import did not finish within the timeout. */
  timedOut?: true;
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

interface Sent {
  id: number;
  job: Job;
}

/** How long a child may take to start (a loaded machine can take seconds to boot node). */
const CHILD_START_MS = 10_000;

class Slot {
  #child: ChildProcess | null = null;
  /** Files the current child has answered. */
  #evaluated = 0;
  /** Sent to the current child and not answered yet, in order: the first is being imported. */
  #sent: Sent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stderrTail = '';
  #nextId = 0;
  /** The current child said it started: a file's time starts counting then, not while node boots. */
  #ready = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly env: NodeJS.ProcessEnv,
    /** Takes back jobs sent to a lost child that never started, to be sent again first. */
    private readonly giveBack: (jobs: Job[]) => void,
    /** Called whenever this slot can take more jobs. */
    private readonly onFree: () => void,
  ) {}

  get room(): number {
    return sendAhead - this.#sent.length;
  }

  send(job: Job): void {
    const child = this.#ensureChild();
    const id = ++this.#nextId;
    this.#sent.push({ id, job });
    if (this.#sent.length === 1) this.#startTimer();
    child.send({ id, fileLoc: job.fileLoc, bundlePath: job.bundlePath });
  }

  close(): void {
    if (this.#child) this.#discard(this.#child);
  }

  #startTimer(): void {
    clearTimeout(this.#timer);
    // Before the child is up, its start counts too, within a bound of its own.
    const ms = this.#ready ? this.timeoutMs : this.timeoutMs + CHILD_START_MS;
    this.#timer = setTimeout(() => {
      this.#fail(
        `importing this file took longer than ${this.timeoutMs} ms (does it wait on something at import time?)`,
        null,
        true,
      );
    }, ms);
  }

  #onMessage(msg: ChildMessage): void {
    if ('ready' in msg) {
      this.#ready = true;
      if (this.#sent.length > 0) this.#startTimer();
      return;
    }
    if ('crash' in msg) {
      this.#fail(`uncaught error while importing: ${msg.crash.message}`, msg.crash.stack);
      return;
    }
    const head = this.#sent[0];
    if (!('id' in msg) || !head || msg.id !== head.id) return;
    this.#sent.shift();
    this.#evaluated += 1;
    clearTimeout(this.#timer);
    if (this.#sent.length > 0) this.#startTimer();
    head.job.resolve('error' in msg ? { error: msg.error } : { specs: msg.specs });
    this.onFree();
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
    const tail = this.#stderrTail.trim();
    this.#fail(`the process importing this file ${how}${tail ? `: ${tail.slice(-500)}` : ''}`, null);
  }

  /**
   * The child is lost while importing the oldest file it has not answered: blame that
   * file, or, when an earlier file in this child may be the cause, import it
   * again in a fresh child. The files sent behind it never started; they are
   * given back to the pool as they were.
   */
  #fail(message: string, stack: string | null, timedOut = false): void {
    const [head, ...behind] = this.#sent;
    this.#sent = [];
    clearTimeout(this.#timer);
    if (this.#child) this.#discard(this.#child);
    if (behind.length > 0) this.giveBack(behind.map((s) => s.job));
    if (head && this.#evaluated > 0 && !head.job.retried) this.send({ ...head.job, retried: true });
    else head?.job.resolve({ error: timedOut ? { message, stack, timedOut } : { message, stack } });
    this.onFree();
  }

  #ensureChild(): ChildProcess {
    if (this.#child) return this.#child;
    const child = fork(childScript, [registryExport], {
      execArgv: ['--enable-source-maps'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: this.env,
      detached: true,
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.#stderrTail = (this.#stderrTail + d).slice(-2000);
    });
    child.on('message', (msg: ChildMessage) => {
      if (this.#child === child) this.#onMessage(msg);
    });
    child.once('exit', (code, signal) => {
      if (this.#child === child) this.#onExit(code, signal);
    });
    // A send to a child that just died fails here; its exit (or the timeout) settles the jobs.
    child.on('error', () => undefined);
    // A child must never keep the loading process alive.
    child.unref();
    child.channel?.unref();
    this.#child = child;
    this.#ready = false;
    this.#evaluated = 0;
    this.#stderrTail = '';
    return child;
  }

  #discard(child: ChildProcess): void {
    if (this.#child === child) this.#child = null;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      killTree(child.pid, { group: true });
  }
}

export interface EvaluatorPool {
  evaluate(fileLoc: string, bundlePath: string): Promise<EvalOutcome>;
  close(): void;
}

/** A pool of `size` children with environment `env`; `timeoutMs` bounds one file's import. */
export function createEvaluatorPool(size: number, timeoutMs: number, env: NodeJS.ProcessEnv = {}): EvaluatorPool {
  const queue: Job[] = [];
  const pump = (): void => {
    for (const slot of slots) {
      while (slot.room > 0 && queue.length > 0) {
        const job = queue.shift();
        if (job) slot.send(job);
      }
    }
  };
  // A slot gives jobs back from its event handlers, then calls pump.
  const giveBack = (jobs: Job[]): void => void queue.unshift(...jobs);
  const slots = Array.from({ length: Math.max(1, size) }, () => new Slot(timeoutMs, env, giveBack, pump));

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
