/**
 * Dynamic task mapping, run for real by the scheduler and worker processes:
 * a task expanded over an upstream's output at run time, its instances
 * spread over two workers, their outputs collected in map-index order; an
 * instance retried alone; an empty list skipping; a list past maxMapLength
 * failing with a clear error; and an EMR step mapped over 20 partitions
 * submitted once per partition though a worker is killed mid-way.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorWithEnv, type Emulator } from './aws-support';
import { startHarness, waitFor, type Harness } from './harness';
import { startChildWorker } from './scenarios/kill-worker';

const source = `
import { dag, fn, items } from '@sluice/sdk';

export const fanout = dag({ id: 'map_fanout', schedule: null, start: '2026-01-01', maxActiveTasks: 32 });
const list = fanout.task('list', fn(async () => ({ partitions: Array.from({ length: 500 }, (_, i) => 'p' + i) })));
const load = fanout.task('load', { upstream: [list], map: items(list, (o) => o.partitions) },
  fn(async (ctx) => ({ index: ctx.mapIndex, partition: ctx.item })));
fanout.task('collect', { upstream: [load] }, fn(async (ctx) => ctx.output(load).map((o) => o.index + ':' + o.partition)));

export const retried = dag({ id: 'map_retry', schedule: null, start: '2026-01-01' });
const work = retried.task('work', { map: [0, 1, 2, 3, 4], retries: 1, retryDelay: '0s' }, fn(async (ctx) => {
  if (ctx.item === 3 && ctx.tryNumber === 1) throw new Error('partition 3 is not there yet');
  return ctx.item * 10;
}));
retried.task('sum', { upstream: [work] }, fn(async (ctx) => ctx.output(work)));

export const empty = dag({ id: 'map_empty', schedule: null, start: '2026-01-01' });
const none = empty.task('list', fn(async () => ({ partitions: [] as string[] })));
const each = empty.task('each', { upstream: [none], map: items(none, (o) => o.partitions) }, fn(async (ctx) => ctx.item));
empty.task('after', { upstream: [each] }, fn(async () => 'ran'));

const many = (n: number) => fn(async () => Array.from({ length: n }, (_, i) => i));
export const wide = dag({ id: 'map_wide', schedule: null, start: '2026-01-01', maxMapLength: 10000 });
const tenThousandOne = wide.task('list', many(10001));
wide.task('each', { upstream: [tenThousandOne], map: items(tenThousandOne) }, fn(async (ctx) => ctx.item));

export const ops = dag({ id: 'map_ops', schedule: null, start: '2026-01-01' });
const opsWork = ops.task('work', { map: [0, 1, 2] }, fn(async (ctx) => ctx.item * 10));
ops.task('sum', { upstream: [opsWork] }, fn(async (ctx) => ctx.output(opsWork).reduce((a, b) => a + b, 0)));

export const defaults = dag({ id: 'map_default_limit', schedule: null, start: '2026-01-01' });
const over = defaults.task('list', many(1025));
const overEach = defaults.task('each', { upstream: [over], map: items(over) }, fn(async (ctx) => ctx.item));
defaults.task('after', { upstream: [overEach] }, fn(async () => 'ran'));
`;

interface TaskRow {
  task_id: string;
  map_index: number;
  state: string;
  try_number: number;
}

describe('task mapping', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dags: { 'mapping.ts': source }, workerConcurrency: 4 });
    await h.startWorker({ SLUICE_HOSTNAME: 'second-worker' });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const rows = async (dagId: string, runId: string, taskId: string): Promise<TaskRow[]> =>
    (
      await h.db.db.pool.query<TaskRow>(
        `SELECT ti.task_id, ti.map_index, ti.state, ti.try_number FROM task_instance ti
         JOIN dag_run r ON r.id = ti.dag_run_id
         WHERE r.dag_id = $1 AND r.run_id = $2 AND ti.task_id = $3 ORDER BY ti.map_index`,
        [dagId, runId, taskId],
      )
    ).rows;
  const outputOf = async (dagId: string, runId: string, taskId: string): Promise<unknown> => {
    const res = await request(h.app).get(`/api/v1/dags/${dagId}/runs/${encodeURIComponent(runId)}/tasks/${taskId}`);
    expect(res.status).toBe(200);
    return (res.body as { output: unknown }).output;
  };

  it('maps a task over 500 items on two workers; its downstream gets the 500 outputs in map-index order', async () => {
    const run = await h.trigger('map_fanout');
    const done = await h.waitForRun('map_fanout', run.runId, ['success', 'failed'], 120_000);
    expect(done.state).toBe('success');
    const load = await rows('map_fanout', run.runId, 'load');
    expect(load.map((r) => r.map_index)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(load.every((r) => r.state === 'success' && r.try_number === 1)).toBe(true);
    expect(await outputOf('map_fanout', run.runId, 'collect')).toEqual(
      Array.from({ length: 500 }, (_, i) => `${i}:p${i}`),
    );
    const hosts = await h.db.db.pool.query<{ hostname: string }>(
      `SELECT DISTINCT t.hostname FROM task_try t JOIN task_instance ti ON ti.id = t.task_instance_id
       JOIN dag_run r ON r.id = ti.dag_run_id WHERE r.run_id = $1 AND ti.task_id = 'load' ORDER BY 1`,
      [run.runId],
    );
    expect(hosts.rows).toHaveLength(2);
    // The API lists each instance with its item.
    const third = done.taskInstances.find((t) => t.taskId === 'load' && t.mapIndex === 3);
    expect(third).toMatchObject({ state: 'success', mapItem: 'p3' });
  }, 150_000);

  it('retries the one instance that failed, alone; the others ran once', async () => {
    const run = await h.trigger('map_retry');
    const done = await h.waitForRun('map_retry', run.runId, ['success', 'failed'], 60_000);
    expect(done.state).toBe('success');
    expect((await rows('map_retry', run.runId, 'work')).map((r) => [r.map_index, r.state, r.try_number])).toEqual([
      [0, 'success', 1],
      [1, 'success', 1],
      [2, 'success', 1],
      [3, 'success', 2],
      [4, 'success', 1],
    ]);
    expect(await outputOf('map_retry', run.runId, 'sum')).toEqual([0, 10, 20, 30, 40]);
  }, 90_000);

  it('skips a task mapped over an empty list, and its all_success downstream', async () => {
    const run = await h.trigger('map_empty');
    const done = await h.waitForRun('map_empty', run.runId, ['success', 'failed'], 60_000);
    expect(done.state).toBe('success');
    expect(done.taskInstances.map((t) => [t.taskId, t.state])).toEqual([
      ['list', 'success'],
      ['each', 'skipped'],
      ['after', 'skipped'],
    ]);
    expect((await rows('map_empty', run.runId, 'each')).map((r) => r.map_index)).toEqual([-1]);
  }, 90_000);

  it('addresses one instance as work[1] in the API: read it, clear it alone, mark it', async () => {
    const run = await h.trigger('map_ops');
    await h.waitForRun('map_ops', run.runId, ['success'], 60_000);
    const base = `/api/v1/dags/map_ops/runs/${encodeURIComponent(run.runId)}/tasks`;

    const one = await request(h.app).get(`${base}/${encodeURIComponent('work[1]')}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ taskId: 'work', mapIndex: 1, mapItem: 1, output: 10, state: 'success' });

    const cleared = await request(h.app)
      .post(`${base}/${encodeURIComponent('work[2]')}/clear`)
      .send({});
    expect(cleared.status).toBe(200);
    expect(cleared.body.cleared).toEqual(['work[2]']);
    await waitFor(
      'work[2] to run again',
      async () => {
        const r = await rows('map_ops', run.runId, 'work');
        return r[2]?.try_number === 2 && r[2].state === 'success' ? r : undefined;
      },
      60_000,
    );
    await h.waitForRun('map_ops', run.runId, ['success'], 60_000);
    expect((await rows('map_ops', run.runId, 'work')).map((r) => [r.map_index, r.state, r.try_number])).toEqual([
      [0, 'success', 1],
      [1, 'success', 1],
      [2, 'success', 2],
    ]);

    const marked = await request(h.app)
      .patch(`${base}/${encodeURIComponent('work[0]')}`)
      .send({ state: 'failed' });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ mapIndex: 0, state: 'failed' });
    expect((await rows('map_ops', run.runId, 'work')).map((r) => r.state)).toEqual(['failed', 'success', 'success']);

    const bad = await request(h.app).get(`${base}/${encodeURIComponent('work[x]')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'Invalid request: params.taskId: ' +
        '"work[x]" is not a task instance: write <task> or <task>[<index>], e.g. load[3]',
    );
    const missing = await request(h.app).get(`${base}/${encodeURIComponent('work[7]')}`);
    expect(missing.status).toBe(404);
  }, 120_000);

  it("fails a task mapped over 10,001 items with the DAG's maxMapLength of 10,000, saying so", async () => {
    const run = await h.trigger('map_wide');
    const done = await h.waitForRun('map_wide', run.runId, ['success', 'failed'], 60_000);
    expect(done.state).toBe('failed');
    const res = await request(h.app).get(`/api/v1/dags/map_wide/runs/${encodeURIComponent(run.runId)}/tasks/each`);
    expect(res.body.state).toBe('failed');
    expect(res.body.tries[0].error).toMatchObject({
      name: 'MapExpansionError',
      message: "task each maps over 10,001 items; the DAG's maxMapLength is 10,000",
    });
    expect(await rows('map_wide', run.runId, 'each')).toHaveLength(1);
  }, 90_000);

  it('fails a task mapped over 1,025 items under the default maxMapLength, and its downstream', async () => {
    const run = await h.trigger('map_default_limit');
    const done = await h.waitForRun('map_default_limit', run.runId, ['success', 'failed'], 60_000);
    expect(done.taskInstances.map((t) => [t.taskId, t.state])).toEqual([
      ['list', 'success'],
      ['each', 'failed'],
      ['after', 'upstream_failed'],
    ]);
    const res = await request(h.app).get(
      `/api/v1/dags/map_default_limit/runs/${encodeURIComponent(run.runId)}/tasks/each`,
    );
    expect(res.body.tries[0].error.message).toBe("task each maps over 1,025 items; the DAG's maxMapLength is 1,024");
  }, 90_000);
});

const emrSource = `
import { dag, emr, items } from '@sluice/sdk';
export const d = dag({ id: 'emr_mapped', schedule: null, start: '2026-01-01', maxActiveTasks: 8 });
const cluster = d.task('create_cluster', emr.createCluster({
  name: 'partitions', releaseLabel: 'emr-7.2.0', applications: ['Spark'],
  instances: { masterInstanceType: 'm5.xlarge', instanceCount: 1 },
}));
const partitions = Array.from({ length: 20 }, (_, i) => 'dt=2026-01-01/hour=' + String(i).padStart(2, '0'));
const steps = d.task('process', { upstream: [cluster], map: partitions, retries: 2, retryDelay: '0s' },
  emr.addSteps({ cluster, steps: [{ name: 'process', args: ['spark-submit', 'process.py', '--partition', '{{ item }}'] }] }));
d.task('terminate_cluster', { upstream: [cluster, steps], triggerRule: 'all_done' }, emr.terminateCluster({ cluster }));
`;

describe('an EMR step mapped over 20 partitions', () => {
  let aws: Emulator;
  let restoreEnv: () => void;
  beforeAll(async () => {
    ({ aws, restoreEnv } = await startEmulatorWithEnv({
      clusterStartMs: 100,
      stepRunMs: 300,
      jobStartMs: 50,
      jobRunMs: 200,
      crawlMs: 100,
    }));
  });
  afterAll(async () => {
    await aws.close();
    restoreEnv();
  });

  it('submits 20 steps, one per partition, each once, though a worker is killed mid-way', async () => {
    const h = await startHarness({
      worker: false,
      heartbeatTimeoutMs: 3000,
      dags: { 'emr.ts': emrSource },
      env: { SLUICE_DEFER_CHECK_MIN_MS: '200', SLUICE_DEFER_CHECK_MAX_MS: '500' },
    });
    try {
      const doomed = startChildWorker(h, { SLUICE_HOSTNAME: 'doomed-worker' });
      const run = await h.trigger('emr_mapped');
      await waitFor(
        'a few steps to be submitted',
        async () => (aws.control.calls('AddJobFlowSteps').length >= 4 ? true : undefined),
        60_000,
      );
      await doomed.kill();
      await h.startWorker();
      const done = await h.waitForRun('emr_mapped', run.runId, ['success', 'failed'], 120_000);
      expect(done.state).toBe('success');
      const steps = aws.control.state().emr.clusters.flatMap((c) => c.steps);
      const partitionArgs = steps.map((s) => s.args.at(-1)).sort();
      expect(partitionArgs).toEqual(
        Array.from({ length: 20 }, (_, i) => `dt=2026-01-01/hour=${String(i).padStart(2, '0')}`),
      );
      expect(aws.control.calls('AddJobFlowSteps')).toHaveLength(20);
      expect(steps.every((s) => s.state === 'COMPLETED')).toBe(true);
      expect(aws.control.state().emr.clusters.map((c) => c.state)).toEqual(['TERMINATED']);
    } finally {
      await h.close();
    }
  }, 180_000);
});
