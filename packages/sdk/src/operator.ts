/**
 * Operators: what a task does when it runs. A descriptor is plain JSON
 * (`kind` + `options`, stored in the DagSpec) plus, for code that runs in the
 * DAG's own bundle, a `run` function the worker looks up by task id.
 * `defineOperator` is how operator option builders (shell, emr.addSteps,
 * glue.startJobRun…) are declared.
 */
import { InvalidOptionsError } from '@sluice/core';
import { checkJson, checkKnownKeys, checkObject, checkString, isPlainObject } from './check';
import { describe } from './duration';
import type { AnyTaskRef, TaskContext } from './context';
import { compileSensorSettings, type Poke, type SensorSettings } from './sensor';

/** A task's code; `TUpstream` is the union of its upstream refs. */
export type TaskFunction<TOutput = unknown, TUpstream extends AnyTaskRef = never, TItem = never> = (
  ctx: TaskContext<TUpstream, TItem>,
) => Promise<TOutput> | TOutput;

/**
 * What `dag.task()` takes as the task's work. `options` must be JSON; the
 * worker picks the operator by `kind` and validates `options` with that
 * operator's own schema. `run`, when present, is called in the DAG bundle.
 */
export interface OperatorDescriptor<TOutput = unknown, TUpstream extends AnyTaskRef = never, TItem = never> {
  readonly kind: string;
  readonly options: Record<string, unknown>;
  // Method syntax on purpose: an operator without upstream (shell) fits any task's upstream, mapped or not.
  run?(ctx: TaskContext<TUpstream, TItem>): Promise<TOutput> | TOutput;
}

/** How an operator turns what the author wrote into the JSON options it stores. */
export interface OperatorDefinition<TInput> {
  /** e.g. `shell`, `emr.addSteps`. */
  kind: string;
  /** Validates and normalises the input; throws InvalidOptionsError naming the option. */
  compile(input: TInput): Record<string, unknown>;
}

/**
 * Declares an operator option builder. `TOutput` is what the operator records
 * as the task's output (what downstream `ctx.output(ref)` returns).
 *
 *   export const addSteps = defineOperator<AddStepsInput, { stepIds: string[] }>({ kind: 'emr.addSteps', compile });
 */
export function defineOperator<TInput, TOutput = void>(
  definition: OperatorDefinition<TInput>,
): (input: TInput) => OperatorDescriptor<TOutput> {
  const kind = checkString(definition.kind, 'defineOperator kind');
  return (input: TInput) => {
    const options = definition.compile(input);
    checkJson(options, `${kind} options`);
    return { kind, options };
  };
}

/** `fn()`'s second argument. */
export interface FnOptions {
  /** Timeout, timeout mode and poke interval of a function that returns `ctx.poke()`. */
  sensor?: SensorSettings;
}

/**
 * Runs `run` in the worker, in the DAG's bundle; its return value (JSON) is
 * the task's output. A function that returns `ctx.poke()` is a sensor: it is
 * called again later, with `sensor`'s timeout and mode (default 7 days, fail).
 */
export function fn<TOutput, TUpstream extends AnyTaskRef = never, TItem = never>(
  run: TaskFunction<TOutput, TUpstream, TItem>,
  options: FnOptions = {},
): OperatorDescriptor<Exclude<Awaited<TOutput>, Poke>, TUpstream, TItem> {
  if (typeof run !== 'function') throw new InvalidOptionsError(`fn() takes a function, got ${describe(run)}`);
  const raw = checkObject(options, 'fn() options');
  checkKnownKeys(raw, ['sensor'], (o) => `fn() option ${o}`);
  const stored =
    raw['sensor'] === undefined ? {} : { sensor: compileSensorSettings(raw['sensor'], 'fn() option sensor') };
  return { kind: 'fn', options: stored, run: run as TaskFunction<Exclude<Awaited<TOutput>, Poke>, TUpstream, TItem> };
}

/** Names a variable (`sluice variables set`) whose value the worker puts in the env when the try starts. */
export interface VariableRef {
  variable: string;
}

export interface ShellInput {
  /** Run with `bash -c`; a non-zero exit fails the try. */
  command: string;
  /**
   * Added to the minimal task environment and the SLUICE_* run variables.
   * A value is a string or `{ variable: '<key>' }`; a secret variable's value
   * (and any value under a name with SECRET, PASSWORD, TOKEN or KEY) is
   * masked in the task log.
   */
  env?: Record<string, string | VariableRef>;
  /** A connection (`sluice connections set`) whose region, endpoint and credentials the command gets as AWS_* variables. */
  connection?: string;
  cwd?: string;
  /** Exit codes that end the task as skipped instead of failed (default [99]). */
  skipOnExitCode?: number[];
}

const shellKeys = ['command', 'env', 'connection', 'cwd', 'skipOnExitCode'] as const;

/** A shell env value as stored: the string, or a copy of `{ variable }`; null when it is neither. */
function envValue(v: unknown): string | VariableRef | null {
  if (typeof v === 'string') return v;
  if (isPlainObject(v) && Object.keys(v).length === 1 && typeof v['variable'] === 'string' && v['variable'] !== '')
    return { variable: v['variable'] };
  return null;
}

/** Runs a shell command; it records no output. */
export const shell = defineOperator<ShellInput, void>({
  kind: 'shell',
  compile(input) {
    const raw = checkObject(input, 'shell() options');
    checkKnownKeys(raw, shellKeys, (key) => `shell() option ${key}`);
    const options: Record<string, unknown> = { command: checkString(raw['command'], 'shell() option command') };
    if (raw['env'] !== undefined) {
      const env = raw['env'];
      if (!isPlainObject(env)) {
        throw new InvalidOptionsError(`shell() option env must be an object of strings, got ${describe(env)}`);
      }
      const out: Record<string, string | VariableRef> = {};
      for (const [name, value] of Object.entries(env)) {
        const v = envValue(value);
        if (v === null)
          throw new InvalidOptionsError(
            `shell() option env.${name} must be a string or { variable: '<key>' }, got ${describe(value)}`,
          );
        out[name] = v;
      }
      options['env'] = out;
    }
    if (raw['connection'] !== undefined)
      options['connection'] = checkString(raw['connection'], 'shell() option connection');
    if (raw['cwd'] !== undefined) options['cwd'] = checkString(raw['cwd'], 'shell() option cwd');
    if (raw['skipOnExitCode'] !== undefined) {
      const codes = raw['skipOnExitCode'];
      if (!Array.isArray(codes) || !codes.every((c) => Number.isInteger(c))) {
        throw new InvalidOptionsError(
          `shell() option skipOnExitCode must be an array of integers, got ${describe(codes)}`,
        );
      }
      options['skipOnExitCode'] = [...codes];
    }
    return options;
  },
});
