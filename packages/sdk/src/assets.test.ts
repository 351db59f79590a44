import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@sluice/core';
import {
  MAX_OUTLET_EXTRA_BYTES,
  OUTLET_EVENTS_KEY,
  allOf,
  anyOf,
  asset,
  compileAssetCondition,
  compileSchedule,
  outletEventsOf,
  withOutletEvents,
} from './assets';
import { createTaskContext } from './context';
import { dag } from './dag';
import { fn } from './operator';

const fails = (f: () => unknown, message: string) => {
  expect(f).toThrow(InvalidOptionsError);
  expect(f).toThrow(message);
};

describe('asset()', () => {
  it('names an asset by its URI', () => {
    const a = asset<{ rows: number }>('s3://lake/events/');
    expect(a).toEqual({ uri: 's3://lake/events/' });
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('refuses a URI without a scheme or with whitespace, saying why', () => {
    fails(() => asset('lake/events'), 'asset("lake/events"): the URI needs a scheme, as in "s3://bucket/prefix/"');
    fails(() => asset('s3://lake /x'), 'asset("s3://lake /x"): the URI must not contain whitespace');
    fails(() => asset(''), 'the URI must not be empty');
  });
});

describe('schedules on assets', () => {
  it('reads a list as all of them, and allOf/anyOf nested one level', () => {
    const [a, b, c] = [asset('s3://a/'), asset('s3://b/'), asset('s3://c/')];
    expect(compileAssetCondition([a, b], 'schedule')).toEqual({ kind: 'all', assets: ['s3://a/', 's3://b/'] });
    expect(compileAssetCondition(a, 'schedule')).toEqual({ kind: 'all', assets: ['s3://a/'] });
    expect(compileAssetCondition(anyOf(a, allOf(b, c)), 'schedule')).toEqual({
      kind: 'any',
      assets: ['s3://a/', { kind: 'all', assets: ['s3://b/', 's3://c/'] }],
    });
    expect(compileAssetCondition([a, anyOf(b, c)], 'schedule')).toEqual({
      kind: 'all',
      assets: ['s3://a/', { kind: 'any', assets: ['s3://b/', 's3://c/'] }],
    });
  });

  it('refuses deeper nesting, empty lists and things that are not assets, naming where', () => {
    const [a, b, c] = [asset('s3://a/'), asset('s3://b/'), asset('s3://c/')];
    fails(
      () => compileAssetCondition(allOf(a, anyOf(b, allOf(c))), 'schedule'),
      'schedule.assets[1].assets[1]: conditions nest one level only',
    );
    fails(() => compileAssetCondition([], 'schedule'), 'schedule must list at least one asset');
    fails(() => allOf(), 'allOf() needs at least one asset');
    fails(() => anyOf(), 'anyOf() needs at least one asset');
    fails(
      () => compileAssetCondition([a, 's3://b/'], 'schedule'),
      "schedule[1] must be an asset made by asset('scheme://…')",
    );
    fails(() => compileAssetCondition([{ uri: 'nope' }], 'schedule'), 'schedule[0]: the asset URI needs a scheme');
    fails(() => compileAssetCondition([{ uri: 's3://x/', extra: 1 }], 'schedule'), 'schedule[0] must be an asset');
    fails(
      () => compileAssetCondition([null], 'schedule'),
      "schedule[0] must be an asset made by asset('scheme://…'), got null",
    );
    fails(
      () => compileAssetCondition([{ uri: 5 }], 'schedule'),
      "schedule[0] must be an asset made by asset('scheme://…')",
    );
    // Only allOf/anyOf make a condition: an object with another kind is not one, whatever it holds.
    fails(
      () => compileAssetCondition([{ kind: 'some', assets: [a] }], 'schedule'),
      "schedule[0] must be an asset made by asset('scheme://…')",
    );
    fails(
      () => compileAssetCondition({ kind: 'some', assets: [a] }, 'schedule'),
      "schedule must be an asset made by asset('scheme://…')",
    );
  });

  it('takes a cron, assets, or both', () => {
    const a = asset('s3://a/');
    expect(compileSchedule(undefined, 's')).toEqual({ schedule: null, assetSchedule: null });
    expect(compileSchedule(null, 's')).toEqual({ schedule: null, assetSchedule: null });
    expect(compileSchedule('@daily', 's')).toEqual({ schedule: '@daily', assetSchedule: null });
    expect(compileSchedule([a], 's')).toEqual({ schedule: null, assetSchedule: { kind: 'all', assets: ['s3://a/'] } });
    expect(compileSchedule({ cron: '@daily', assets: anyOf(a) }, 's')).toEqual({
      schedule: '@daily',
      assetSchedule: { kind: 'any', assets: ['s3://a/'] },
    });
    fails(() => compileSchedule('', 's'), 's must be a non-empty string, got ""');
    fails(
      () => compileSchedule(5, 's'),
      's must be a cron expression, assets ([a, b] or anyOf(a, b)) or { cron, assets }, got',
    );
    expect(compileSchedule(anyOf(a, asset('s3://b/')), 's')).toEqual({
      schedule: null,
      assetSchedule: { kind: 'any', assets: ['s3://a/', 's3://b/'] },
    });
    fails(() => compileSchedule({ cron: '@daily', assets: [] }, 's'), 's.assets must list at least one asset');
    fails(() => compileSchedule({ cron: '@daily' }, 's'), 's.assets is required with cron');
    fails(
      () => compileSchedule({ cron: 5, assets: [a] }, 's'),
      's.cron must be a cron expression or a preset, got number 5',
    );
    fails(() => compileSchedule({ cron: '', assets: [a] }, 's'), 's.cron must be a cron expression');
    fails(() => compileSchedule({ cron: '@daily', assets: [a], every: 1 }, 's'), 's.every is not a known option');
  });

  it('gives the DagSpec an assetSchedule, and none to a DAG without assets', () => {
    const a = asset('s3://a/');
    const d = dag({ id: 'sdk_assets_both', schedule: { cron: '@hourly', assets: [a] } });
    d.task(
      't',
      fn(() => 1),
    );
    expect(d.toSpec()).toMatchObject({ schedule: '@hourly', assetSchedule: { kind: 'all', assets: ['s3://a/'] } });
    const plain = dag({ id: 'sdk_assets_plain', schedule: '@daily' });
    plain.task(
      't',
      fn(() => 1),
    );
    expect('assetSchedule' in plain.toSpec()).toBe(false);
    fails(
      () => dag({ id: 'sdk_assets_bad', schedule: ['s3://a/'] as never }),
      'dag("sdk_assets_bad") option schedule[0]',
    );
  });
});

describe('outlets', () => {
  it('puts each outlet URI once in the TaskSpec, and nothing for a task without', () => {
    const [a, b] = [asset('s3://a/'), asset('s3://b/')];
    const d = dag({ id: 'sdk_outlets', schedule: null });
    d.task(
      'load',
      { outlets: [a, b, a] },
      fn(() => 1),
    );
    d.task(
      'other',
      fn(() => 1),
    );
    const [load, other] = d.toSpec().tasks;
    expect(load?.outlets).toEqual(['s3://a/', 's3://b/']);
    expect(other && 'outlets' in other).toBe(false);
  });

  it('refuses outlets that are not a non-empty list of assets', () => {
    const d = dag({ id: 'sdk_outlets_bad', schedule: null });
    fails(
      () =>
        d.task(
          'load',
          { outlets: [] },
          fn(() => 1),
        ),
      'dag("sdk_outlets_bad").task("load") option outlets must be a non-empty array of assets made by asset()',
    );
    fails(
      () =>
        d.task(
          'load',
          { outlets: ['s3://a/'] as never },
          fn(() => 1),
        ),
      'dag("sdk_outlets_bad").task("load") option outlets[0] must be an asset made by asset',
    );
  });
});

describe('ctx.outletEvent and ctx.triggeringEvents', () => {
  const context = (more: Parameters<typeof createTaskContext>[0]['triggeringEvents'], recorded: unknown[] = []) =>
    createTaskContext({
      run: {
        dagId: 'd',
        runId: 'r',
        taskId: 'load',
        logicalDate: new Date(0),
        dataInterval: { start: new Date(0), end: new Date(0) },
        conf: {},
        tryNumber: 1,
        maxTries: 1,
      },
      upstream: [],
      outputs: new Map(),
      writeLog: () => undefined,
      readVariable: async () => '',
      signal: new AbortController().signal,
      outlets: ['s3://a/'],
      recordOutletEvent: (uri, extra) => recorded.push([uri, extra]),
      ...(more ? { triggeringEvents: more } : {}),
    });

  it('records the metadata of an outlet, as plain JSON', () => {
    const recorded: unknown[] = [];
    const a = asset<{ day: string; rows: number }>('s3://a/');
    context(undefined, recorded).outletEvent(a, { day: '2026-12-01', rows: 3 });
    expect(recorded).toEqual([['s3://a/', { day: '2026-12-01', rows: 3 }]]);
  });

  it('refuses an asset not among the outlets, metadata that is not a JSON object, or too large', () => {
    const ctx = context(undefined);
    fails(
      () => ctx.outletEvent(asset('s3://b/'), {}),
      'task "load" gave an event for s3://b/, which is not one of its outlets (its outlets are s3://a/)',
    );
    fails(() => ctx.outletEvent(asset('s3://a/'), [] as never), 'ctx.outletEvent() metadata must be an object');
    fails(
      () => ctx.outletEvent(asset('s3://a/'), { n: Number.NaN }),
      'ctx.outletEvent() metadata.n must be a finite number',
    );
    fails(
      () => ctx.outletEvent(asset('s3://a/'), { blob: 'x'.repeat(MAX_OUTLET_EXTRA_BYTES) }),
      `ctx.outletEvent() metadata is ${MAX_OUTLET_EXTRA_BYTES + 11} characters as JSON; at most ${MAX_OUTLET_EXTRA_BYTES}`,
    );
    const none = createTaskContext({
      run: context(undefined),
      upstream: [],
      outputs: new Map(),
      writeLog: () => undefined,
      readVariable: async () => '',
      signal: new AbortController().signal,
    });
    fails(() => none.outletEvent(asset('s3://a/'), {}), 'which is not one of its outlets (it declares no outlets)');
  });

  it('names every outlet when refusing another asset, and what it was given when that is no asset', () => {
    const ctx = createTaskContext({
      run: context(undefined),
      upstream: [],
      outputs: new Map(),
      writeLog: () => undefined,
      readVariable: async () => '',
      signal: new AbortController().signal,
      outlets: ['s3://a/', 's3://b/'],
      recordOutletEvent: () => undefined,
    });
    fails(
      () => ctx.outletEvent(asset('s3://c/'), {}),
      'task "load" gave an event for s3://c/, which is not one of its outlets (its outlets are s3://a/, s3://b/)',
    );
    fails(
      () => ctx.outletEvent('s3://a/' as never, {}),
      `ctx.outletEvent() asset must be an asset made by asset('scheme://…'), got "s3://a/"`,
    );
  });

  it('takes metadata of exactly the largest size', () => {
    const recorded: unknown[] = [];
    const blob = 'x'.repeat(MAX_OUTLET_EXTRA_BYTES - '{"blob":""}'.length);
    context(undefined, recorded).outletEvent(asset('s3://a/'), { blob });
    expect(recorded).toEqual([['s3://a/', { blob }]]);
  });

  it('hands the triggering events with Dates, all of them or one asset’s', () => {
    const event = (uri: string, extra: Record<string, unknown>) => ({
      id: uri,
      uri,
      extra,
      source: { kind: 'external' as const, actor: 'a' },
      createdAt: '2026-12-01T00:00:00.000Z',
    });
    const ctx = context([event('s3://a/', { day: 'x' }), event('s3://b/', {})]);
    expect(ctx.triggeringEvents.map((e) => e.uri)).toEqual(['s3://a/', 's3://b/']);
    expect(ctx.triggeringEvents[0]?.createdAt).toEqual(new Date('2026-12-01T00:00:00.000Z'));
    const a = asset<{ day: string }>('s3://a/');
    expect(ctx.triggeringEventsFor(a).map((e) => e.extra.day)).toEqual(['x']);
    expect(context(undefined).triggeringEvents).toEqual([]);
  });
});

describe('outlet events through the task process', () => {
  it('wraps a return value only when the function gave events, and unwraps it again', () => {
    expect(withOutletEvents(5, new Map())).toBe(5);
    const wrapped = withOutletEvents({ rows: 1 }, new Map([['s3://a/', { n: 1 }]]));
    expect(wrapped).toEqual({ [OUTLET_EVENTS_KEY]: [{ uri: 's3://a/', extra: { n: 1 } }], value: { rows: 1 } });
    expect(outletEventsOf(wrapped)).toEqual({ value: { rows: 1 }, events: [{ uri: 's3://a/', extra: { n: 1 } }] });
    const noValue = withOutletEvents(undefined, new Map([['s3://a/', {}]]));
    expect(noValue).toEqual({ [OUTLET_EVENTS_KEY]: [{ uri: 's3://a/', extra: {} }] });
    expect(outletEventsOf(noValue)).toEqual({ value: undefined, events: [{ uri: 's3://a/', extra: {} }] });
    expect(outletEventsOf({ value: 1 })).toEqual({ value: { value: 1 }, events: [] });
    expect(outletEventsOf('x')).toEqual({ value: 'x', events: [] });
    // An output of the task's own never reads as wrapped, whatever its keys.
    expect(outletEventsOf({ '': [{ uri: 's3://a/', extra: {} }], value: 1 })).toEqual({
      value: { '': [{ uri: 's3://a/', extra: {} }], value: 1 },
      events: [],
    });
  });
});
