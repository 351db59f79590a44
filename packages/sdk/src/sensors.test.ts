/** Sensor settings, pokes and the S3 sensor builders: what they store, what they refuse, the output types. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OutputOf } from './context';
import { glue } from './aws';
import { dag } from './dag';
import { fn } from './operator';
import { s3 } from './s3';
import { poke, pokeOf } from './sensor';
import { time } from './time';

describe('fn(run, { sensor })', () => {
  it('stores the sensor settings in milliseconds, with the defaults filled in', () => {
    expect(fn(() => 1, { sensor: { timeout: '2h', mode: 'skip', pokeInterval: '30s' } }).options).toEqual({
      sensor: { timeoutMs: 7_200_000, mode: 'skip', pokeIntervalMs: 30_000 },
    });
    expect(fn(() => 1, { sensor: {} }).options).toEqual({
      sensor: { timeoutMs: 604_800_000, mode: 'fail', pokeIntervalMs: 60_000 },
    });
    expect(fn(() => 1).options).toEqual({});
  });

  it('refuses unknown settings, a bad mode and a poke interval under 100 ms, naming them', () => {
    expect(() => fn(() => 1, { sensor: { mode: 'retry' as 'fail' } })).toThrow(
      "fn() option sensor.mode must be 'fail' or 'skip', got \"retry\"",
    );
    expect(() => fn(() => 1, { sensor: { pokeInterval: 50 } })).toThrow(
      'fn() option sensor.pokeInterval must be at least 100ms, got 50ms',
    );
    expect(() => fn(() => 1, { sensor: { timeout: 99 } })).toThrow('fn() option sensor.timeout must be at least 100ms');
    expect(() => fn(() => 1, { sensor: { timeout: 100, pokeInterval: 100 } })).not.toThrow();
    expect(() => fn(() => 1, { sensor: { every: '1m' } as object })).toThrow(
      'fn() option sensor.every is not a known option (known: timeout, mode, pokeInterval)',
    );
    expect(() => fn(() => 1, { retries: 2 } as object)).toThrow('fn() option retries is not a known option');
  });

  it('leaves the poke out of the output type downstream tasks read', () => {
    const d = dag({ id: 'poke_types' });
    const ready = d.task(
      'ready',
      fn(async (ctx) => (Math.random() > 0.5 ? ctx.poke() : { rows: 3 })),
    );
    expectTypeOf<OutputOf<typeof ready>>().toEqualTypeOf<{ rows: number }>();
  });
});

describe('poke', () => {
  it('carries its own delay, or none for the poke interval, and is told apart from any output', () => {
    expect(pokeOf(poke({ again: '5m' }))).toEqual({ againMs: 300_000 });
    expect(pokeOf(JSON.parse(JSON.stringify(poke())))).toEqual({ againMs: null });
    expect(pokeOf({ rows: 1 })).toBeUndefined();
    expect(pokeOf(null)).toBeUndefined();
    expect(pokeOf('$sluicePoke')).toBeUndefined();
    expect(pokeOf({ $sluicePoke: null })).toBeUndefined();
    expect(pokeOf({ $sluicePoke: { againMs: 'soon' } })).toEqual({ againMs: null });
  });

  it('refuses a bad delay, naming it', () => {
    expect(() => poke({ again: '5 minutes' as '5m' })).toThrow('ctx.poke() option again "5 minutes" is not a duration');
    expect(() => poke({ again: 10 })).toThrow('ctx.poke() option again must be at least 100ms');
    expect(() => poke({ in: '5m' } as object)).toThrow('ctx.poke() option in is not a known option');
  });
});

describe('s3 sensors', () => {
  it('store the bucket, what to match, minimums and the sensor settings', () => {
    expect(
      s3.keySensor({ bucket: 'raw-logs', pattern: 'app/*.gz', minCount: 24, minSize: 1, timeout: '6h', mode: 'skip' }),
    ).toEqual({
      kind: 's3.keySensor',
      options: {
        bucket: 'raw-logs',
        pattern: 'app/*.gz',
        minCount: 24,
        minSize: 1,
        sensor: { timeoutMs: 21_600_000, mode: 'skip', pokeIntervalMs: 60_000 },
      },
    });
    expect(
      s3.keySensor({ bucket: 'lake', key: 'a/_SUCCESS', connection: 'prod', aws: { region: 'eu-west-1' } }).options,
    ).toMatchObject({ key: 'a/_SUCCESS', connection: 'prod', aws: { region: 'eu-west-1' } });
  });

  it('turn a partition into its Hive-style prefix', () => {
    const { kind, options } = s3.partitionSensor({
      bucket: 'lake',
      prefix: 'warehouse/events',
      partition: { dt: '{{ ds }}', hour: '03' },
      pokeInterval: '5m',
    });
    expect(kind).toBe('s3.keySensor');
    expect(options).toMatchObject({
      prefix: 'warehouse/events/dt={{ ds }}/hour=03/',
      sensor: { pokeIntervalMs: 300_000 },
    });
    expect(s3.partitionSensor({ bucket: 'lake', prefix: 'events/', partition: { dt: 'x' } }).options['prefix']).toBe(
      'events/dt=x/',
    );
  });

  it('refuse what cannot be sensed, naming the option', () => {
    expect(() => s3.keySensor({ bucket: 'lake' } as never)).toThrow(
      's3.keySensor() option key: give exactly one of key, prefix or pattern (got 0)',
    );
    expect(() => s3.keySensor({ bucket: 'lake', key: 'a', prefix: 'b' } as never)).toThrow('(got 2)');
    expect(() => s3.keySensor({ bucket: 'Lake_1', key: 'a' })).toThrow('s3.keySensor() option bucket');
    expect(() => s3.keySensor({ bucket: 'lake', key: 'a', minCount: 2 })).toThrow(
      's3.keySensor() option minCount: a single key matches one object; use prefix or pattern',
    );
    expect(() => s3.keySensor({ bucket: 'lake', prefix: 'a', minCount: 0 })).toThrow('s3.keySensor() option minCount');
    expect(() => s3.keySensor({ bucket: 'lake', prefix: 'a', minSize: -1 })).toThrow('s3.keySensor() option minSize');
    expect(() => s3.keySensor({ bucket: 'lake', prefix: 'a', every: 1 } as never)).toThrow(
      's3.keySensor() option every is not a known option',
    );
    expect(() => s3.partitionSensor({ bucket: 'lake', prefix: 'a', partition: {} })).toThrow(
      's3.partitionSensor() option partition must name at least one column',
    );
    expect(() => s3.partitionSensor({ bucket: 'lake', prefix: 'a', partition: { dt: 3 as never } })).toThrow(
      's3.partitionSensor() option partition.dt',
    );
  });
});

describe('time sensors', () => {
  it('store the delta in milliseconds and the instant as given, with the sensor settings', () => {
    expect(time.delta({ delta: '30m', mode: 'skip' })).toEqual({
      kind: 'time.delta',
      options: { deltaMs: 1_800_000, sensor: { timeoutMs: 604_800_000, mode: 'skip', pokeIntervalMs: 60_000 } },
    });
    expect(time.until({ at: '{{ ds }}T18:00:00Z', timeout: '1d' }).options).toEqual({
      at: '{{ ds }}T18:00:00Z',
      sensor: { timeoutMs: 86_400_000, mode: 'fail', pokeIntervalMs: 60_000 },
    });
    expect(time.until({ at: '2026-12-06T06:00:00+01:00' }).options['at']).toBe('2026-12-06T06:00:00+01:00');
  });

  it('refuse an instant without a zone, a bad delta and a poke interval, naming the option', () => {
    expect(() => time.until({ at: '2026-12-06T06:00:00' })).toThrow(
      'time.until() option at "2026-12-06T06:00:00" is not an ISO 8601 instant with a zone',
    );
    expect(() => time.until({ at: 'tomorrowZ' })).toThrow('is not an ISO 8601 instant');
    expect(() => time.delta({ delta: 'soon' as '1m' })).toThrow('time.delta() option delta "soon" is not a duration');
    expect(() => time.delta({ delta: '1m', pokeInterval: '1m' } as never)).toThrow(
      'time.delta() option pokeInterval is not a known option',
    );
  });
});

describe('glue.catalogPartitionSensor', () => {
  it('stores the table, the expression and the sensor settings, refusing what is missing', () => {
    expect(
      glue.catalogPartitionSensor({
        databaseName: 'game_events',
        tableName: 'events',
        expression: "dt = '{{ ds }}'",
        pokeInterval: '5m',
        connection: 'prod',
      }),
    ).toEqual({
      kind: 'glue.catalogPartitionSensor',
      options: {
        connection: 'prod',
        databaseName: 'game_events',
        tableName: 'events',
        expression: "dt = '{{ ds }}'",
        sensor: { timeoutMs: 604_800_000, mode: 'fail', pokeIntervalMs: 300_000 },
      },
    });
    expect(() => glue.catalogPartitionSensor({ databaseName: 'db', tableName: 't' } as never)).toThrow(
      'glue.catalogPartitionSensor() option expression',
    );
  });
});
