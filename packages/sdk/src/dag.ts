/**
 * `dag()` and the Dag builder. Every dag() call registers the DAG in this
 * module's registry, so a DAG file may define several DAGs, exported or not:
 * the loader bundles each file with its own copy of the SDK and reads that
 * copy's registry (`registeredDags()`) after importing the file.
 */
import { InvalidOptionsError, idHint, idPattern, isValidTimezone } from '@sluice/core';
import type { CallbackEvent, CallbackSpecs, DagSpec, DeadlineFrom, DeadlineSpec, TaskSpec } from '@sluice/core';
import { type CallbackFunction, type CallbackInput, compileCallbacks } from './callbacks';
import {
  checkBoolean,
  checkInt,
  checkJson,
  checkKnownKeys,
  checkObject,
  checkString,
  checkStringArray,
  isPlainObject,
} from './check';
import type { AnyTaskRef, TaskRef } from './context';
import { parseDagDateOption } from './dates';
import { type Duration, describe, parseDuration } from './duration';
import type { OperatorDescriptor, TaskFunction } from './operator';
import {
  type DefaultArgs,
  type TaskOptions,
  checkTaskOptionValues,
  compileTaskOptions,
  defaultArgKeys,
  taskCallbackKeys,
  taskOptionKeys,
} from './task-options';

const idRule = { re: idPattern, hint: idHint };

export interface DagOptions {
  /** Unique across the DAG folder; letters, digits, _, . or -. */
  id: string;
  /** A cron expression, a preset (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`, `@once`), or null (default) for manual runs only. */
  schedule?: string | null;
  /** First logical date: a Date, an ISO instant, or a local date/time read in `timezone` (`'2026-01-01'`). */
  start?: string | Date;
  end?: string | Date;
  /** IANA zone the schedule and local dates are read in (default 'UTC'). */
  timezone?: string;
  /** Create runs for every interval missed since `start` (default false). */
  catchup?: boolean;
  tags?: string[];
  owner?: string;
  description?: string;
  /** default 16 */
  maxActiveRuns?: number;
  /** default 16 */
  maxActiveTasks?: number;
  /** A run still going after this long is failed. */
  dagrunTimeout?: Duration;
  /** New DAGs start paused (default false). */
  pausedOnCreation?: boolean;
  /** JSON Schema a manual trigger's conf must satisfy. */
  confSchema?: Record<string, unknown>;
  /** Options every task gets unless it sets its own. */
  defaultArgs?: DefaultArgs;
  /** Runs when a try of any task fails for good (a task's own onFailure replaces it). */
  onFailure?: CallbackInput;
  /** Runs when a try of any task fails and will be retried. */
  onRetry?: CallbackInput;
  /** Runs when any task succeeds. */
  onSuccess?: CallbackInput;
  /** Runs once when a run misses its deadline (besides `deadline.notify`). */
  onDeadlineMiss?: CallbackInput;
  /** A run not finished `within` after `from` misses its deadline: `notify` (and onDeadlineMiss) run, once. */
  deadline?: { from: DeadlineFrom; within: Duration; notify?: CallbackInput };
}

const dagOptionKeys = [
  'id',
  'schedule',
  'start',
  'end',
  'timezone',
  'catchup',
  'tags',
  'owner',
  'description',
  'maxActiveRuns',
  'maxActiveTasks',
  'dagrunTimeout',
  'pausedOnCreation',
  'confSchema',
  'defaultArgs',
  'onFailure',
  'onRetry',
  'onSuccess',
  'onDeadlineMiss',
  'deadline',
] as const;

const deadlineFroms: readonly DeadlineFrom[] = ['logicalDate', 'queuedAt', 'runAfter'];

/** Where a callback function sits: `dag:<event>:<i>` or `task:<taskId>:<event>:<i>`. */
function callbackKey(taskId: string | null, event: CallbackEvent, index: number): string {
  return taskId === null ? `dag:${event}:${index}` : `task:${taskId}:${event}:${index}`;
}

/** Compiles the callbacks of `options` for `events`, keeping the functions in `functions` under their key. */
function compileCallbackOptions(
  options: Record<string, unknown>,
  events: readonly CallbackEvent[],
  label: (key: string) => string,
  taskId: string | null,
  functions: Map<string, CallbackFunction>,
): CallbackSpecs | undefined {
  const specs: CallbackSpecs = {};
  for (const event of events) {
    if (options[event] === undefined) continue;
    const compiled = compileCallbacks(options[event], label(event));
    if (compiled.specs.length === 0) continue;
    specs[event] = compiled.specs;
    compiled.functions.forEach((f, i) => {
      if (f) functions.set(callbackKey(taskId, event, i), f);
    });
  }
  return Object.keys(specs).length === 0 ? undefined : specs;
}

interface DefinedTask {
  spec: TaskSpec;
  run: TaskFunction<unknown, AnyTaskRef> | undefined;
}

type DagHeader = Omit<DagSpec, 'tasks'>;

const registry: Dag[] = [];

/** Every DAG created by dag() in this copy of the SDK, in creation order. */
export function registeredDags(): readonly Dag[] {
  return registry;
}

export class Dag {
  readonly dagId: string;
  readonly #header: DagHeader;
  readonly #defaultArgs: DefaultArgs;
  readonly #tasks = new Map<string, DefinedTask>();
  readonly #callbacks: Map<string, CallbackFunction>;

  /** Use `dag(options)`. */
  constructor(header: DagHeader, defaultArgs: DefaultArgs, callbacks = new Map<string, CallbackFunction>()) {
    this.dagId = header.dagId;
    this.#header = header;
    this.#defaultArgs = defaultArgs;
    this.#callbacks = callbacks;
  }

  /** Adds a task without upstream. */
  task<const TId extends string, TOutput>(taskId: TId, operator: OperatorDescriptor<TOutput>): TaskRef<TOutput, TId>;
  /** Adds a task; `ctx.output` of its function accepts exactly the refs in `options.upstream`. */
  task<const TId extends string, const TUpstream extends readonly AnyTaskRef[], TOutput>(
    taskId: TId,
    options: TaskOptions<TUpstream>,
    operator: OperatorDescriptor<TOutput, TUpstream[number]>,
  ): TaskRef<TOutput, TId>;
  task(taskId: string, ...rest: [unknown] | [unknown, unknown]): AnyTaskRef {
    const where = `dag("${this.dagId}").task("${String(taskId)}")`;
    checkString(taskId, `dag("${this.dagId}").task() id`, idRule);
    if (this.#tasks.has(taskId)) throw new InvalidOptionsError(`${where}: a task with this id is already defined`);
    const [rawOptions, rawOperator] = rest.length === 1 ? [{}, rest[0]] : rest;
    const options = checkObject(rawOptions, `${where} options`);
    const label = (key: string): string => `${where} option ${key}`;
    checkTaskOptionValues(options, label, taskOptionKeys);
    const upstream = this.#upstreamIds(options['upstream'], label('upstream'));
    const operator = checkOperator(rawOperator, where);
    const { onFailure: _f, onRetry: _r, onSuccess: _s, ...own } = options as TaskOptions;
    const merged = { ...this.#defaultArgs, ...own };
    const callbacks = compileCallbackOptions(options, taskCallbackKeys, label, taskId, this.#callbacks);
    const spec: TaskSpec = {
      taskId,
      operator: { kind: operator.kind, options: operator.options },
      upstream,
      ...compileTaskOptions(merged, label),
      ...(callbacks ? { callbacks } : {}),
    };
    this.#tasks.set(taskId, { spec, run: operator.run });
    return Object.freeze({ dagId: this.dagId, taskId });
  }

  /** A callback function of the DAG (`taskId` null) or of a task, by event and place in its list. */
  getCallback(taskId: string | null, event: CallbackEvent, index: number): CallbackFunction | undefined {
    return this.#callbacks.get(callbackKey(taskId, event, index));
  }

  /** Task ids in definition order. */
  get taskIds(): string[] {
    return [...this.#tasks.keys()];
  }

  /** The serialized DAG: plain JSON, what the loader validates, hashes and stores. */
  toSpec(): DagSpec {
    return {
      ...this.#header,
      tags: [...this.#header.tags],
      tasks: [...this.#tasks.values()].map((t) => structuredClone(t.spec)),
    };
  }

  /** The code of a task whose operator runs in the bundle (`fn`, or any operator with `run`); undefined otherwise. */
  getTaskFunction(taskId: string): TaskFunction<unknown, AnyTaskRef> | undefined {
    return this.#tasks.get(taskId)?.run;
  }

  #upstreamIds(raw: unknown, option: string): string[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw))
      throw new InvalidOptionsError(`${option} must be an array of task refs, got ${describe(raw)}`);
    const ids: string[] = [];
    raw.forEach((ref: unknown, i) => {
      const { dagId, taskId } = (isPlainObject(ref) ? ref : {}) as Partial<AnyTaskRef>;
      if (typeof taskId !== 'string' || typeof dagId !== 'string') {
        throw new InvalidOptionsError(
          `${option}[${i}] must be a task ref returned by dag.task(), got ${describe(ref)}`,
        );
      }
      if (dagId !== this.dagId) {
        throw new InvalidOptionsError(
          `${option}[${i}] is task "${taskId}" of DAG "${dagId}"; upstream tasks must be in the same DAG`,
        );
      }
      if (!this.#tasks.has(taskId)) throw new InvalidOptionsError(`${option}[${i}] names unknown task "${taskId}"`);
      if (!ids.includes(taskId)) ids.push(taskId);
    });
    return ids;
  }
}

function checkOperator(raw: unknown, where: string): OperatorDescriptor<unknown, AnyTaskRef> {
  if (typeof raw !== 'object' || raw === null) {
    throw new InvalidOptionsError(
      `${where}: the last argument must be an operator such as fn(...) or shell({...}), got ${describe(raw)}`,
    );
  }
  const op = raw as Partial<OperatorDescriptor<unknown, AnyTaskRef>>;
  checkString(op.kind, `${where} operator kind`);
  checkJson(op.options, `${where} operator options`);
  if (!isPlainObject(op.options)) throw new InvalidOptionsError(`${where} operator options must be an object`);
  if (op.run !== undefined && typeof op.run !== 'function')
    throw new InvalidOptionsError(`${where} operator run must be a function`);
  if (op.kind === 'fn' && op.run === undefined)
    throw new InvalidOptionsError(`${where}: a fn operator needs a function`);
  return op as OperatorDescriptor<unknown, AnyTaskRef>;
}

/** Declares a DAG and registers it; throws InvalidOptionsError naming the bad option. */
export function dag(options: DagOptions): Dag {
  const o = checkObject(options, 'dag() options');
  const id = checkString(o['id'], 'dag() option id', idRule);
  const label = (key: string): string => `dag("${id}") option ${key}`;
  checkKnownKeys(o, dagOptionKeys, label);

  const timezone = o['timezone'] === undefined ? 'UTC' : checkString(o['timezone'], label('timezone'));
  if (!isValidTimezone(timezone)) {
    throw new InvalidOptionsError(
      `${label('timezone')} ${JSON.stringify(timezone)} is not an IANA time zone (e.g. "UTC", "Europe/Copenhagen")`,
    );
  }
  const schedule =
    o['schedule'] === undefined || o['schedule'] === null ? null : checkString(o['schedule'], label('schedule'));
  const optional = <T>(key: string, check: (value: unknown, option: string) => T): T | null =>
    o[key] === undefined ? null : check(o[key], label(key));

  let confSchema: Record<string, unknown> | null = null;
  if (o['confSchema'] !== undefined) {
    if (!isPlainObject(o['confSchema'])) {
      throw new InvalidOptionsError(
        `${label('confSchema')} must be a JSON Schema object, got ${describe(o['confSchema'])}`,
      );
    }
    checkJson(o['confSchema'], label('confSchema'));
    confSchema = structuredClone(o['confSchema']);
  }
  const dagrunTimeoutMs = optional('dagrunTimeout', parseDuration);
  if (dagrunTimeoutMs === 0) throw new InvalidOptionsError(`${label('dagrunTimeout')} must be longer than 0`);

  let defaultArgs: DefaultArgs = {};
  if (o['defaultArgs'] !== undefined) {
    const raw = checkObject(o['defaultArgs'], label('defaultArgs'));
    checkTaskOptionValues(raw, (key) => `${label('defaultArgs')}.${key}`, defaultArgKeys);
    defaultArgs = { ...(raw as DefaultArgs) };
  }

  const callbackFunctions = new Map<string, CallbackFunction>();
  let callbacks = compileCallbackOptions(
    o,
    ['onFailure', 'onRetry', 'onSuccess', 'onDeadlineMiss'],
    label,
    null,
    callbackFunctions,
  );
  let deadline: DeadlineSpec | undefined;
  if (o['deadline'] !== undefined) {
    const d = checkObject(o['deadline'], label('deadline'));
    checkKnownKeys(d, ['from', 'within', 'notify'], (k) => `${label('deadline')}.${k}`);
    const from = d['from'] as DeadlineFrom;
    if (!deadlineFroms.includes(from))
      throw new InvalidOptionsError(
        `${label('deadline')}.from must be one of ${deadlineFroms.join(', ')}, got ${describe(d['from'])}`,
      );
    const withinMs = parseDuration(d['within'], `${label('deadline')}.within`);
    if (withinMs <= 0) throw new InvalidOptionsError(`${label('deadline')}.within must be longer than 0`);
    deadline = { from, withinMs };
    if (d['notify'] !== undefined) {
      // notify comes after onDeadlineMiss in the one list the deadline fires.
      const before = callbacks?.onDeadlineMiss?.length ?? 0;
      const compiled = compileCallbacks(d['notify'], `${label('deadline')}.notify`);
      compiled.functions.forEach((f, i) => {
        if (f) callbackFunctions.set(callbackKey(null, 'onDeadlineMiss', before + i), f);
      });
      if (compiled.specs.length > 0)
        callbacks = { ...callbacks, onDeadlineMiss: [...(callbacks?.onDeadlineMiss ?? []), ...compiled.specs] };
    }
  }
  const header: DagHeader = {
    dagId: id,
    description: optional('description', (v, opt) => {
      if (typeof v !== 'string') throw new InvalidOptionsError(`${opt} must be a string, got ${describe(v)}`);
      return v;
    }),
    schedule,
    timezone,
    startDate: optional('start', (v, opt) => parseDagDateOption(v, opt, timezone)),
    endDate: optional('end', (v, opt) => parseDagDateOption(v, opt, timezone)),
    catchup: optional('catchup', checkBoolean) ?? false,
    tags: optional('tags', checkStringArray) ?? [],
    owner: optional('owner', checkString),
    maxActiveRuns: optional('maxActiveRuns', (v, opt) => checkInt(v, opt, 1)) ?? 16,
    maxActiveTasks: optional('maxActiveTasks', (v, opt) => checkInt(v, opt, 1)) ?? 16,
    dagrunTimeoutMs,
    pausedOnCreation: optional('pausedOnCreation', checkBoolean) ?? false,
    confSchema,
    ...(callbacks ? { callbacks } : {}),
    ...(deadline ? { deadline } : {}),
  };
  const created = new Dag(header, defaultArgs, callbackFunctions);
  registry.push(created);
  return created;
}
