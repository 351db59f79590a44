/**
 * Runs `fn` tasks in a warm pool of child processes (fn-child.ts), one task
 * per child at a time, so user code cannot block, crash or exit the worker.
 * Children are forked ahead of need and reused; each imports a DAG version's
 * bundle once. A try that is stopped (timeout, clear) has its child's whole
 * process group killed at once, and the child is replaced; a child that exits
 * by itself fails only the task it was running.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import type { CallbackRequest, ExecutionRequest } from '@sluice/engine';
import { baseTaskEnv } from '@sluice/operators';
import { TaskFunctionError, toWireError, type ChildMessage, type RunTaskMessage, type WireError } from './fn-protocol';

/** One function to run in a child: a task's, or a callback's. */
interface PoolJob {
  hash: string;
  bundle: string;
  signal: AbortSignal;
  log(stream: 'stdout' | 'stderr' | 'system', text: string): void;
  /** `ctx.variable(name)` from the function: the value, or null when there is none. */
  readVariable(name: string): Promise<string | null>;
  message: Omit<RunTaskMessage, 'type' | 'id' | 'hash' | 'bundle'>;
}

/**
 * Run from sources, the child is TypeScript like the worker and loads with tsx;
 * in the CLI's bundle it is compiled next to this code as fn-child.js.
 */
const fromSources = import.meta.url.endsWith('.ts');
const childScript = fileURLToPath(new URL(fromSources ? './fn-child.ts' : './fn-child.js', import.meta.url));
const childExecArgv = fromSources
  ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
  : [];

/** Thrown when the process running a task ended before the task did. */
export class TaskProcessExitedError extends Error {
  override readonly name = 'TaskProcessExitedError';
}

export interface FnPoolOptions {
  /** Children kept started and idle, ready for the next task. */
  warm: number;
  /** Environment of the children: only what tasks may see (see baseTaskEnv). */
  env?: Record<string, string>;
  logger: Logger;
  /** How long a child may take to boot (a loaded machine can take seconds). */
  startTimeoutMs?: number;
  /** Run facts a task's process.env holds (the SLUICE_* variables shell tasks get too). */
  taskEnv(req: ExecutionRequest): Record<string, string>;
  /** A variable's value for `ctx.variable(name)` (masked in the try's log when secret), or null when there is none. */
  readVariable(req: Pick<ExecutionRequest, 'maskSecret'>, name: string): Promise<string | null>;
}

interface Running {
  id: number;
  req: PoolJob;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

class FnChild {
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  /** Bundle hashes this child has imported. */
  readonly imported = new Set<string>();
  exited = false;
  /** Whether the child got as far as saying it started. */
  started = false;
  #running: Running | null = null;
  #fatal: WireError | null = null;
  #nextId = 0;

  constructor(
    env: Record<string, string>,
    startTimeoutMs: number,
    private readonly logger: Logger,
    private readonly onExit: (child: FnChild) => void,
  ) {
    this.proc = fork(childScript, [], {
      execArgv: childExecArgv,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.proc.stdout?.setEncoding('utf8').on('data', (d: string) => this.#output('stdout', d));
    this.proc.stderr?.setEncoding('utf8').on('data', (d: string) => this.#output('stderr', d));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new TaskProcessExitedError(`the task's process did not start within ${startTimeoutMs} ms`));
        this.kill();
      }, startTimeoutMs);
      const settle = (err: Error | null) => {
        clearTimeout(timer);
        this.proc.off('message', onReady);
        if (err) reject(err);
        else resolve();
      };
      const onReady = (msg: ChildMessage) => {
        if (msg.type !== 'ready') return;
        this.started = true;
        settle(null);
      };
      this.proc.on('message', onReady);
      this.proc.once('exit', (code, signal) =>
        settle(new TaskProcessExitedError(`the task's process ended while starting (${describeExit(code, signal)})`)),
      );
    });
    // Nobody may be waiting yet; the rejection is read by whoever takes this child.
    this.ready.catch(() => undefined);
    this.proc.on('message', (msg: ChildMessage) => this.#onMessage(msg));
    this.proc.on('error', (err) => this.logger.warn({ err }, 'task process error'));
    this.proc.once('exit', (code, signal) => {
      this.exited = true;
      // Whatever the task started in the child's group goes with it.
      this.#killGroup();
      const running = this.#running;
      this.#running = null;
      if (running) {
        const fatal = this.#fatal;
        const err = new TaskProcessExitedError(
          fatal
            ? `the task's process crashed: ${fatal.name}: ${fatal.message}`
            : `the task's process ${describeExit(code, signal)}`,
        );
        if (fatal?.stack !== undefined) err.stack = `${err.name}: ${err.message}\n${fatal.stack}`;
        running.reject(err);
      }
      this.onExit(this);
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  run(req: PoolJob): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise<unknown>((resolve, reject) => {
      this.#running = { id, req, resolve, reject };
      const msg: RunTaskMessage = {
        type: 'run',
        id,
        hash: req.hash,
        ...(this.imported.has(req.hash) ? {} : { bundle: req.bundle }),
        ...req.message,
      };
      this.proc.send(msg, (err) => {
        if (err) reject(err);
      });
    });
  }

  /** Kills the child and everything in its process group. */
  kill(): void {
    this.#killGroup();
  }

  #killGroup(): void {
    const pid = this.proc.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }

  #onMessage(msg: ChildMessage): void {
    if (msg.type === 'fatal') {
      this.#fatal = msg.error;
      return;
    }
    if (msg.type === 'ready') return;
    const running = this.#running;
    if (!running || running.id !== msg.id) return;
    if (msg.type === 'log') {
      running.req.log('stdout', `${msg.line}\n`);
      return;
    }
    if (msg.type === 'variable') {
      this.#answerVariable(running, msg.request, msg.name);
      return;
    }
    if (msg.imported) this.imported.add(running.req.hash);
    // The task's last prints were written before this message was sent, but
    // arrive on other pipes: let this poll phase deliver them to its log first.
    setImmediate(() => {
      if (this.#running === running) this.#running = null;
      if (msg.type === 'done') running.resolve(msg.outputJson === undefined ? undefined : JSON.parse(msg.outputJson));
      else running.reject(new TaskFunctionError(msg.error));
    });
  }

  #answerVariable(running: Running, request: number, name: string): void {
    const answer = (fields: { value?: string; missing?: boolean; error?: WireError }) => {
      // A try stopped meanwhile has no one waiting; its child is being killed.
      if (this.#running !== running || this.exited) return;
      this.proc.send({ type: 'variable', request, ...fields }, (err) => {
        if (err) this.logger.warn({ err }, 'could not answer a task process');
      });
    };
    running.req.readVariable(name).then(
      (value) => answer(value === null ? { missing: true } : { value }),
      (raw: unknown) => answer({ error: toWireError(raw) }),
    );
  }

  #output(stream: 'stdout' | 'stderr', text: string): void {
    // What task code prints goes to its try's log; between tasks, to the worker's log.
    if (this.#running) this.#running.req.log(stream, text);
    else this.logger.info({ pid: this.proc.pid, stream, text }, 'task process output');
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return code !== null ? `exited with code ${code}` : `was killed by ${signal ?? 'a signal'}`;
}

export class FnPool {
  readonly #idle: FnChild[] = [];
  readonly #all = new Set<FnChild>();
  #closed = false;
  readonly #env: Record<string, string>;
  readonly #startTimeoutMs: number;

  constructor(private readonly opts: FnPoolOptions) {
    this.#env = opts.env ?? baseTaskEnv();
    this.#startTimeoutMs = opts.startTimeoutMs ?? 20_000;
    this.#fillWarm();
  }

  /** Pids of the pool's live children (for tests and diagnostics). */
  pids(): number[] {
    return [...this.#all].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  }

  /** Runs the task's function in a child; rejects with the task's error, the abort reason, or TaskProcessExitedError. */
  run(req: ExecutionRequest): Promise<unknown> {
    const { claim, version } = req;
    return this.#run({
      hash: version.hash,
      bundle: version.bundle,
      signal: req.signal,
      log: req.log,
      readVariable: (name) => this.opts.readVariable(req, name),
      message: {
        run: {
          dagId: claim.dagId,
          runId: claim.runId,
          taskId: claim.taskId,
          logicalDate: claim.logicalDate.toISOString(),
          dataIntervalStart: claim.dataIntervalStart.toISOString(),
          dataIntervalEnd: claim.dataIntervalEnd.toISOString(),
          conf: claim.conf,
          tryNumber: claim.tryNumber,
          maxTries: claim.maxTries,
          ...(claim.mapIndex >= 0 ? { mapIndex: claim.mapIndex, item: claim.mapItem } : {}),
        },
        upstream: [...req.task.upstream],
        outputs: [...req.upstreamOutputs.entries()],
        ...(req.task.outlets ? { outlets: [...req.task.outlets] } : {}),
        ...(req.triggeringEvents.length > 0 ? { triggeringEvents: [...req.triggeringEvents] } : {}),
        env: this.opts.taskEnv(req),
      },
    });
  }

  /**
   * Runs a callback function of the DAG file in a child, isolated as a task
   * is: on its timeout (the request's signal) the child's group is killed.
   */
  async runCallback(req: CallbackRequest): Promise<void> {
    const c = req.context;
    await this.#run({
      hash: req.version.hash,
      bundle: req.version.bundle,
      signal: req.signal,
      log: (_stream, text) => {
        for (const line of text.split('\n')) if (line !== '') req.log(line);
      },
      // A callback may read variables too (a webhook URL kept as one); its log lines are its own, not a try's.
      readVariable: (name) => this.opts.readVariable({ maskSecret: () => undefined }, name),
      message: {
        run: {
          dagId: c.dag.dagId,
          runId: c.run.runId,
          taskId: c.task?.taskId ?? '',
          logicalDate: c.run.logicalDate,
          dataIntervalStart: c.run.dataIntervalStart,
          dataIntervalEnd: c.run.dataIntervalEnd,
          conf: c.run.conf,
          tryNumber: c.task?.tryNumber ?? 0,
          maxTries: c.task?.maxTries ?? 0,
        },
        upstream: [],
        outputs: [],
        env: { SLUICE_DAG_ID: c.dag.dagId, SLUICE_RUN_ID: c.run.runId, SLUICE_CALLBACK_EVENT: c.event },
        callback: { taskId: req.taskId, event: req.event, position: req.position, context: c },
      },
    });
  }

  async #run(req: PoolJob): Promise<unknown> {
    if (this.#closed) throw new Error('the worker is shutting down');
    if (req.signal.aborted) throw req.signal.reason;
    const child = this.#take(req.hash);
    let onAbort: (() => void) | null = null;
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => {
        // Whatever the task is doing (even spinning), its process goes now.
        req.log('system', `stopping the task's process and everything it started (SIGKILL)\n`);
        child.kill();
        reject(req.signal.reason);
      };
      req.signal.addEventListener('abort', onAbort, { once: true });
    });
    stopped.catch(() => undefined);
    try {
      await Promise.race([child.ready, stopped]);
      return await Promise.race([child.run(req), stopped]);
    } finally {
      if (onAbort) req.signal.removeEventListener('abort', onAbort);
      // Back to the pool only if it is sound: started, alive, and not stopped mid-task.
      if (child.started && !child.exited && !req.signal.aborted && !this.#closed) this.#idle.push(child);
      else if (!child.exited) child.kill();
    }
  }

  /** Kills every child. Call after the worker stopped taking tasks. */
  close(): void {
    this.#closed = true;
    for (const child of this.#all) child.kill();
    this.#idle.length = 0;
  }

  /**
   * An idle child, preferring one that already imported the bundle, then one
   * that has started; a new one if none is idle. Among equals, the one that
   * finished last: a few hot processes serve a busy worker instead of every
   * child taking turns.
   */
  #take(hash: string): FnChild {
    let i = this.#idle.findLastIndex((c) => c.imported.has(hash));
    if (i < 0) i = this.#idle.findLastIndex((c) => c.started);
    if (i < 0) i = this.#idle.length - 1;
    const child = i >= 0 ? this.#idle.splice(i, 1)[0] : undefined;
    const taken = child ?? this.#spawn();
    this.#fillWarm();
    return taken;
  }

  #spawn(): FnChild {
    const child = new FnChild(this.#env, this.#startTimeoutMs, this.opts.logger, (c) => this.#onExit(c));
    this.#all.add(child);
    return child;
  }

  #fillWarm(): void {
    while (!this.#closed && this.#idle.length < this.opts.warm) this.#idle.push(this.#spawn());
  }

  #onExit(child: FnChild): void {
    this.#all.delete(child);
    const i = this.#idle.indexOf(child);
    if (i >= 0) this.#idle.splice(i, 1);
    if (this.#closed) return;
    if (child.started) {
      this.#fillWarm();
      return;
    }
    // A child that cannot even start (a broken install) must not be re-forked in a tight loop.
    this.opts.logger.error({ pid: child.pid }, 'a task process ended before it started; starting another in a second');
    setTimeout(() => this.#fillWarm(), 1000).unref();
  }
}
