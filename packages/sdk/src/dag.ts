/**
 * `dag()` and the Dag builder. Every dag() call registers the DAG in this
 * module's registry, so a DAG file may define several DAGs, exported or not:
 * the loader bundles each file with its own copy of the SDK and reads that
 * copy's registry (`registeredDags()`) after importing the file.
 */
import {
  InvalidOptionsError,
  MAX_MAP_LENGTH_LIMIT,
  assertNever,
  idHint,
  idPattern,
  isValidTimezone,
} from '@sluice/core';
import { compileMap } from './mapping';
import type { CallbackEvent, CallbackSpecs, DagSpec, DeadlineFrom, DeadlineSpec, TaskSpec } from '@sluice/core';
import { type AssetScheduleInput, compileSchedule } from './assets';
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
import type { AnyTaskRef } from './context';
import { parseDagDateOption } from './dates';
import { type Duration, describe, parseDuration } from './duration';
import type { OperatorDescriptor, TaskFunction } from './operator';
import type { GroupRef, TaskBuilder } from './task-builder';
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
  /**
   * A cron expression, a preset (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`, `@once`), or null
   * (default) for manual runs only. Or assets: `[a, b]` runs when both were updated since the DAG's last
   * asset-triggered run, `anyOf(a, b)` when either was; `{ cron: '@daily', assets: [a, b] }` runs on both.
   */
  schedule?: string | null | AssetScheduleInput;
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
  /** Longest list a task may map over (default 1,024, at most 10,000); a longer one fails the task. */
  maxMapLength?: number;
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
  'maxMapLength',
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

/** How a task is added: each kind takes its own options besides the common ones. */
type TaskKind = 'task' | 'branch' | 'shortCircuit' | 'setup' | 'teardown';
const kindOptionKeys: Record<TaskKind, readonly string[]> = {
  task: ['map', 'maxActiveTisPerDagrun'],
  branch: ['choices'],
  shortCircuit: ['ignoreDownstreamTriggerRules'],
  setup: [],
  teardown: ['setup', 'failRun'],
};

/** A task group while and after it is defined. */
interface GroupScope {
  groupId: string;
  defaultArgs: DefaultArgs;
  /** What the group's first tasks depend on. */
  upstream: string[];
  /** Every task in it, nested groups' too. */
  taskIds: Set<string>;
  done: boolean;
}

const registry: Dag[] = [];

/** Every DAG created by dag() in this copy of the SDK, in creation order. */
export function registeredDags(): readonly Dag[] {
  return registry;
}

export class Dag implements TaskBuilder<''> {
  readonly dagId: string;
  readonly #header: DagHeader;
  readonly #defaultArgs: DefaultArgs;
  readonly #tasks = new Map<string, DefinedTask>();
  readonly #groups = new Map<string, GroupScope>();
  readonly #callbacks: Map<string, CallbackFunction>;
  readonly task: TaskBuilder<''>['task'];
  readonly branch: TaskBuilder<''>['branch'];
  readonly shortCircuit: TaskBuilder<''>['shortCircuit'];
  readonly setup: TaskBuilder<''>['setup'];
  readonly teardown: TaskBuilder<''>['teardown'];
  readonly group: TaskBuilder<''>['group'];

  /** Use `dag(options)`. */
  constructor(header: DagHeader, defaultArgs: DefaultArgs, callbacks = new Map<string, CallbackFunction>()) {
    this.dagId = header.dagId;
    this.#header = header;
    this.#defaultArgs = defaultArgs;
    this.#callbacks = callbacks;
    const top = this.#builder<''>([]);
    this.task = top.task;
    this.branch = top.branch;
    this.shortCircuit = top.shortCircuit;
    this.setup = top.setup;
    this.teardown = top.teardown;
    this.group = top.group;
  }

  /** The adding methods for tasks in `scopes` (innermost last), typed by the interface they implement. */
  #builder<P extends string>(scopes: readonly GroupScope[]): TaskBuilder<P> {
    const add =
      (kind: TaskKind) =>
      (taskId: string, ...rest: unknown[]): AnyTaskRef =>
        this.#define(kind, taskId, rest, scopes);
    const methods = {
      task: add('task'),
      branch: add('branch'),
      shortCircuit: add('shortCircuit'),
      setup: add('setup'),
      teardown: add('teardown'),
      group: (groupId: string, ...rest: unknown[]): GroupRef => this.#group(groupId, rest, scopes),
    };
    // The overloads are checked where they are declared (TaskBuilder); at run time every call lands here.
    return methods as unknown as TaskBuilder<P>;
  }

  #define(kind: TaskKind, localId: string, rest: unknown[], scopes: readonly GroupScope[]): AnyTaskRef {
    checkString(localId, `dag("${this.dagId}").${kind}() id`, idRule);
    const taskId = prefixed(scopes, localId);
    const where = `dag("${this.dagId}").${kind}("${taskId}")`;
    if (this.#tasks.has(taskId)) throw new InvalidOptionsError(`${where}: a task with this id is already defined`);
    if (this.#groups.has(taskId)) throw new InvalidOptionsError(`${where}: a group with this id is already defined`);
    const [rawOptions, rawOperator] = rest.length === 1 ? [{}, rest[0]] : rest;
    const all = checkObject(rawOptions, `${where} options`);
    const label = (key: string): string => `${where} option ${key}`;
    const own = Object.fromEntries(Object.entries(all).filter(([k]) => !kindOptionKeys[kind].includes(k)));
    checkTaskOptionValues(own, label, taskOptionKeys);
    if (kind === 'teardown' && own['triggerRule'] !== undefined)
      throw new InvalidOptionsError(
        `${label('triggerRule')}: a teardown's trigger rule is all_done_setup_success (it runs when its setup succeeded)`,
      );
    const setups = kind === 'teardown' ? this.#setupIds(all['setup'], label('setup')) : [];
    const upstream = withGroupUpstream(
      scopes,
      unique([...setups, ...this.#upstreamIds(own['upstream'], label('upstream'))]),
    );
    const operator = checkOperator(rawOperator, where);
    const { onFailure: _f, onRetry: _r, onSuccess: _s, ...args } = own as TaskOptions;
    const merged = Object.assign({}, this.#defaultArgs, ...scopes.map((g) => g.defaultArgs), args) as TaskOptions;
    const callbacks = compileCallbackOptions(own, taskCallbackKeys, label, taskId, this.#callbacks);
    const group = scopes.at(-1)?.groupId;
    const spec: TaskSpec = {
      taskId,
      operator: { kind: operator.kind, options: operator.options },
      upstream,
      ...compileTaskOptions(merged, label),
      ...(kind === 'teardown' ? { triggerRule: 'all_done_setup_success' as const } : {}),
      ...(callbacks ? { callbacks } : {}),
      ...kindSpec(kind, all, label),
      ...(group === undefined ? {} : { group }),
      ...(kind === 'task' ? mapSpec(all, label, this.dagId, upstream) : {}),
    };
    this.#tasks.set(taskId, { spec, run: operator.run });
    for (const scope of scopes) scope.taskIds.add(taskId);
    return Object.freeze({ dagId: this.dagId, taskId });
  }

  #group(localId: string, rest: unknown[], scopes: readonly GroupScope[]): GroupRef {
    checkString(localId, `dag("${this.dagId}").group() id`, idRule);
    const groupId = prefixed(scopes, localId);
    const where = `dag("${this.dagId}").group("${groupId}")`;
    if (this.#groups.has(groupId) || this.#tasks.has(groupId))
      throw new InvalidOptionsError(`${where}: a group or task with this id is already defined`);
    const [rawOptions, build] = rest.length === 1 ? [{}, rest[0]] : rest;
    const options = checkObject(rawOptions, `${where} options`);
    const label = (key: string): string => `${where} option ${key}`;
    checkKnownKeys(options, ['upstream', 'defaultArgs'], label);
    if (typeof build !== 'function')
      throw new InvalidOptionsError(`${where}: the last argument must be a function that adds the group's tasks`);
    let defaultArgs: DefaultArgs = {};
    if (options['defaultArgs'] !== undefined) {
      const raw = checkObject(options['defaultArgs'], label('defaultArgs'));
      checkTaskOptionValues(raw, (key) => `${label('defaultArgs')}.${key}`, defaultArgKeys);
      defaultArgs = { ...(raw as DefaultArgs) };
    }
    const upstream = this.#upstreamIds(options['upstream'], label('upstream'));
    const scope: GroupScope = { groupId, defaultArgs, upstream, taskIds: new Set(), done: false };
    this.#groups.set(groupId, scope);
    build(this.#builder([...scopes, scope]));
    scope.done = true;
    if (scope.taskIds.size === 0) throw new InvalidOptionsError(`${where}: a group needs at least one task`);
    return Object.freeze({ dagId: this.dagId, groupId });
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

  /** A teardown's `setup`: one setup task ref or several. */
  #setupIds(raw: unknown, option: string): string[] {
    if (raw === undefined)
      throw new InvalidOptionsError(`${option} is required: the setup task(s) this one tears down`);
    const ids = this.#upstreamIds(Array.isArray(raw) ? raw : [raw], option);
    if (ids.length === 0) throw new InvalidOptionsError(`${option} must name at least one setup task`);
    for (const id of ids) {
      if (this.#tasks.get(id)?.spec.role !== 'setup')
        throw new InvalidOptionsError(`${option}: task "${id}" is not a setup task (add it with setup())`);
    }
    return ids;
  }

  #upstreamIds(raw: unknown, option: string): string[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw))
      throw new InvalidOptionsError(`${option} must be an array of task refs, got ${describe(raw)}`);
    const ids: string[] = [];
    raw.forEach((ref: unknown, i) => {
      const fields = (isPlainObject(ref) ? ref : {}) as Partial<AnyTaskRef & GroupRef>;
      const { dagId, taskId, groupId } = fields;
      const name = typeof groupId === 'string' ? `group "${groupId}"` : `task "${String(taskId)}"`;
      if ((typeof taskId !== 'string' && typeof groupId !== 'string') || typeof dagId !== 'string') {
        throw new InvalidOptionsError(
          `${option}[${i}] must be a task ref returned by dag.task() or a group from dag.group(), got ${describe(ref)}`,
        );
      }
      if (dagId !== this.dagId) {
        throw new InvalidOptionsError(
          `${option}[${i}] is ${name} of DAG "${dagId}"; upstream tasks must be in the same DAG`,
        );
      }
      for (const id of typeof groupId === 'string' ? this.#groupLeaves(groupId, `${option}[${i}]`) : [taskId ?? '']) {
        if (!this.#tasks.has(id)) throw new InvalidOptionsError(`${option}[${i}] names unknown task "${id}"`);
        if (!ids.includes(id)) ids.push(id);
      }
    });
    return ids;
  }

  /** A finished group's last tasks: those no other task of the group depends on. */
  #groupLeaves(groupId: string, option: string): string[] {
    const group = this.#groups.get(groupId);
    if (!group) throw new InvalidOptionsError(`${option} names unknown group "${groupId}"`);
    if (!group.done)
      throw new InvalidOptionsError(`${option} is group "${groupId}", which a task inside it cannot depend on`);
    const members = [...group.taskIds];
    const upstreamOfMembers = new Set(members.flatMap((id) => this.#tasks.get(id)?.spec.upstream ?? []));
    return members.filter((id) => !upstreamOfMembers.has(id));
  }
}

/** The full id of `localId` added inside `scopes`. */
function prefixed(scopes: readonly GroupScope[], localId: string): string {
  const group = scopes.at(-1);
  return group === undefined ? localId : `${group.groupId}.${localId}`;
}

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** Left out when not set, so versions of DAGs that set none keep their hash. */
const maxMapLengthOption = (n: number | null): { maxMapLength?: number } => (n === null ? {} : { maxMapLength: n });

/** A task's `map` and `maxActiveTisPerDagrun`, as stored (absent when it is not mapped). */
function mapSpec(
  options: Record<string, unknown>,
  label: (key: string) => string,
  dagId: string,
  upstream: readonly string[],
): Pick<TaskSpec, 'map' | 'maxActiveTisPerDagrun'> {
  const limit = options['maxActiveTisPerDagrun'];
  if (options['map'] === undefined) {
    if (limit !== undefined)
      throw new InvalidOptionsError(`${label('maxActiveTisPerDagrun')} applies to a mapped task only (set map)`);
    return {};
  }
  return {
    map: compileMap(options['map'], label('map'), dagId, upstream),
    ...(limit === undefined ? {} : { maxActiveTisPerDagrun: checkInt(limit, label('maxActiveTisPerDagrun'), 1) }),
  };
}

/** A task with no upstream inside a group it is in depends on that group's upstream. */
function withGroupUpstream(scopes: readonly GroupScope[], upstream: readonly string[]): string[] {
  let ids = [...upstream];
  for (const scope of [...scopes].reverse()) {
    if (!ids.some((id) => scope.taskIds.has(id))) ids = unique([...scope.upstream, ...ids]);
  }
  return ids;
}

/** The TaskSpec fields a kind of task adds: its branch, role and failRun. */
function kindSpec(
  kind: TaskKind,
  options: Record<string, unknown>,
  label: (key: string) => string,
): Pick<TaskSpec, 'branch' | 'role' | 'failRun'> {
  switch (kind) {
    case 'task':
      return {};
    case 'branch': {
      const choices = checkStringArray(options['choices'], label('choices'));
      if (choices.length === 0)
        throw new InvalidOptionsError(`${label('choices')} must list the ids of the tasks the branch may follow`);
      return { branch: { kind: 'choose', choices: unique(choices) } };
    }
    case 'shortCircuit': {
      const raw = options['ignoreDownstreamTriggerRules'];
      const ignore = raw === undefined ? true : checkBoolean(raw, label('ignoreDownstreamTriggerRules'));
      return { branch: { kind: 'short_circuit', ignoreDownstreamTriggerRules: ignore } };
    }
    case 'setup':
      return { role: 'setup' };
    case 'teardown': {
      const raw = options['failRun'];
      return { role: 'teardown', ...(raw === undefined ? {} : { failRun: checkBoolean(raw, label('failRun')) }) };
    }
    default:
      return assertNever(kind);
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
  const { schedule, assetSchedule } = compileSchedule(o['schedule'], label('schedule'));
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
    ...maxMapLengthOption(optional('maxMapLength', (v, opt) => checkInt(v, opt, 1, MAX_MAP_LENGTH_LIMIT))),
    dagrunTimeoutMs,
    pausedOnCreation: optional('pausedOnCreation', checkBoolean) ?? false,
    confSchema,
    ...(callbacks ? { callbacks } : {}),
    ...(deadline ? { deadline } : {}),
    ...(assetSchedule ? { assetSchedule } : {}),
  };
  const created = new Dag(header, defaultArgs, callbackFunctions);
  registry.push(created);
  return created;
}
