/**
 * A task process: the worker forks a few of these (fn-pool.ts) and sends
 * each one `fn` task at a time over IPC. User code may spin, exit or crash
 * here; the worker kills and replaces the process and fails only that task.
 *
 * The process leads its own process group (the worker forks it detached), so
 * killing the group also kills whatever the task spawned. It kills its group
 * itself when the worker goes away: on IPC disconnect, and — because a task
 * spinning in a loop never lets the disconnect event run — from a watchdog
 * thread that notices when the process is reparented.
 */
import { Worker } from 'node:worker_threads';
import { toError } from '@sluice/core';
import { VariableNotFoundError } from '@sluice/sdk';
import { runFunction } from './run-function';
import {
  TaskFunctionError,
  toWireError,
  type ChildMessage,
  type ParentMessage,
  type RunTaskMessage,
  type VariableAnswerMessage,
} from './fn-protocol';

/** The environment the worker started this process with: already only PATH, HOME, LANG, TZ. */
const baseEnv: Record<string, string | undefined> = { ...process.env };

function killOwnGroup(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.kill(process.pid, 'SIGKILL');
  }
}

function send(msg: ChildMessage): void {
  if (!process.send) killOwnGroup();
  else process.send(msg);
}

/** Polls the parent pid from a thread of its own, which runs even while task code blocks the main thread. */
function startWatchdog(): void {
  const code = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid === workerData.ppid) return;
  try { process.kill(-workerData.pid, 'SIGKILL'); } catch { process.kill(workerData.pid, 'SIGKILL'); }
}, workerData.intervalMs);
`;
  const watchdog = new Worker(code, {
    eval: true,
    execArgv: [],
    workerData: { ppid: process.ppid, pid: process.pid, intervalMs: 100 },
  });
  watchdog.unref();
}

/** process.env for one task: the base plus the task's run facts, whatever the previous task left. */
function resetEnv(extra: Record<string, string>): void {
  for (const name of Object.keys(process.env)) {
    if (!(name in baseEnv) && !(name in extra)) delete process.env[name];
  }
  for (const [name, value] of Object.entries(baseEnv)) if (value !== undefined) process.env[name] = value;
  Object.assign(process.env, extra);
}

/** `ctx.variable` requests waiting for the worker's answer, by request number. */
const variableRequests = new Map<number, { name: string; resolve(v: string): void; reject(e: Error): void }>();
let lastRequest = 0;

function readVariable(taskId: number, name: string): Promise<string> {
  const request = ++lastRequest;
  return new Promise<string>((resolve, reject) => {
    variableRequests.set(request, { name, resolve, reject });
    send({ type: 'variable', id: taskId, request, name });
  });
}

function answerVariable(msg: VariableAnswerMessage): void {
  const waiting = variableRequests.get(msg.request);
  if (!waiting) return;
  variableRequests.delete(msg.request);
  if (msg.value !== undefined) waiting.resolve(msg.value);
  else if (msg.error) waiting.reject(new TaskFunctionError(msg.error));
  else waiting.reject(new VariableNotFoundError(waiting.name));
}

async function runTask(msg: RunTaskMessage): Promise<void> {
  resetEnv(msg.env);
  // The worker kills this process to stop a try, so nothing aborts this signal; it exists for the context's shape.
  const controller = new AbortController();
  let imported = false;
  let value: unknown;
  try {
    value = await runFunction(
      msg,
      msg.bundle ?? '',
      (line) => send({ type: 'log', id: msg.id, line }),
      (name) => readVariable(msg.id, name),
      controller.signal,
      () => {
        imported = true;
      },
    );
  } catch (raw) {
    send({ type: 'failed', id: msg.id, error: toWireError(raw), imported });
    return;
  }
  let outputJson: string | undefined;
  try {
    outputJson = value === undefined ? undefined : JSON.stringify(value);
  } catch (raw) {
    const reason = toError(raw).message;
    send({
      type: 'failed',
      id: msg.id,
      imported,
      error: {
        name: 'OutputNotStorableError',
        message: `The task's return value is not JSON-serialisable: ${reason}`,
        nonRetryable: true,
      },
    });
    return;
  }
  send({ type: 'done', id: msg.id, imported, ...(outputJson === undefined ? {} : { outputJson }) });
}

function fatal(raw: unknown): void {
  try {
    process.send?.({ type: 'fatal', error: toWireError(raw) } satisfies ChildMessage, () => process.exit(70));
  } catch {
    process.exit(70);
  }
}

startWatchdog();
process.on('disconnect', killOwnGroup);
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
process.on('message', (msg: ParentMessage) => {
  if (msg.type === 'run') void runTask(msg);
  else if (msg.type === 'variable') answerVariable(msg);
});
send({ type: 'ready' });
