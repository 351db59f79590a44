import { CreatePartitionCommand, CreateTableCommand, GetPartitionsCommand } from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../aws/testing';
import { catalogPartitionSensorOperator as op } from './catalog-partition-sensor';

let h: Harness;
const sensor = { timeoutMs: 60_000, mode: 'skip', pokeIntervalMs: 1000 };
const table = { DatabaseName: 'game_events', TableName: 'events' };
const addPartition = (dt: string, hour: string) =>
  h.glue.send(new CreatePartitionCommand({ ...table, PartitionInput: { Values: [dt, hour] } }));

beforeEach(async () => {
  h = await startHarness();
  await h.glue.send(
    new CreateTableCommand({
      DatabaseName: 'game_events',
      TableInput: { Name: 'events', PartitionKeys: [{ Name: 'dt' }, { Name: 'hour' }] },
    }),
  );
});
afterEach(() => h.close());

describe('glue.catalogPartitionSensor', () => {
  it('waits until a partition matches the expression, then outputs its values', async () => {
    const options = op.compile({
      databaseName: 'game_events',
      tableName: 'events',
      expression: "dt = '2026-12-06' AND hour = '07'",
      sensor,
    });
    await addPartition('2026-12-06', '06');
    const first = await op.start(options, h.ctx());
    expect(first).toMatchObject({
      state: 'waiting',
      ref: { type: 'glue.catalogPartitionSensor', tableName: 'events' },
    });
    await addPartition('2026-12-06', '07');
    expect(await op.poll(options, first.ref, h.ctx())).toMatchObject({
      state: 'succeeded',
      output: { values: ['2026-12-06', '07'] },
    });
  });

  it('fails without a retry on a table that does not exist or an expression the catalog refuses', async () => {
    const missing = op.compile({ databaseName: 'game_events', tableName: 'nope', expression: "dt = 'x'", sensor });
    expect(await op.start(missing, h.ctx())).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { name: 'EntityNotFoundException' },
    });
    const bad = op.compile({ databaseName: 'game_events', tableName: 'events', expression: "region = 'eu'", sensor });
    expect(await op.start(bad, h.ctx())).toMatchObject({ state: 'failed', error: { name: 'InvalidInputException' } });
  });
});

describe('the emulated catalog', () => {
  it('compares as numbers when both sides are, as strings otherwise, joined by AND', async () => {
    for (const [dt, hour] of [
      ['2026-12-05', '9'],
      ['2026-12-06', '10'],
      ['2026-12-06', '2'],
    ] as const)
      await addPartition(dt, hour);
    const values = async (Expression: string) =>
      (await h.glue.send(new GetPartitionsCommand({ ...table, Expression }))).Partitions?.map((p) => p.Values);
    expect(await values('hour >= 3')).toEqual([
      ['2026-12-05', '9'],
      ['2026-12-06', '10'],
    ]);
    expect(await values("dt > '2026-12-05' and hour < 10")).toEqual([['2026-12-06', '2']]);
    expect(await values("dt <> '2026-12-06'")).toEqual([['2026-12-05', '9']]);
    expect(await values("dt <= '2026-12-05' AND hour != 9")).toEqual([]);
    await expect(addPartition('2026-12-06', '2')).rejects.toMatchObject({ name: 'AlreadyExistsException' });
    await expect(h.glue.send(new GetPartitionsCommand({ ...table, Expression: 'dt LIKE x' }))).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
  });
});
