import { StartCrawlerCommand } from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientAwsError } from '../aws/errors';
import { type Harness, rejection, startHarness } from '../aws/testing';
import { crawlerOperator as crawler } from './crawler';
import { jobRunSensorOperator as sensor } from './job-run-sensor';
import { dpuSecondsOf } from './job-runs';
import { startJobRunOperator as op } from './start-job-run';

const STARTUP = 100;
const RUN = 2000;
let h: Harness;

beforeEach(async () => {
  h = await startHarness({ jobStartMs: STARTUP, jobRunMs: RUN, jobStopMs: 50, crawlMs: 500, crawlStopMs: 50 });
  h.emulator.control.createJob({
    Name: 'hourly-stats',
    ExecutionProperty: { MaxConcurrentRuns: 3 },
    WorkerType: 'G.1X',
    NumberOfWorkers: 4,
  });
  h.emulator.control.createCrawler({ Name: 'stats-tables' });
});
afterEach(() => h.close());

const options = op.compile({ jobName: 'hourly-stats', arguments: { '--hour': '2026-01-01T06' } });
const runs = () => h.emulator.control.state().glue.jobRuns;

describe('glue.startJobRun', () => {
  it('starts one run carrying the marker and outputs its execution time and DPU-seconds', async () => {
    const ctx = h.ctx();
    const started = await op.start(options, ctx);
    expect(started).toMatchObject({ state: 'waiting', ref: { type: 'glue.jobRun', awsState: 'STARTING' } });
    expect(h.records.at(-1)).toMatchObject({ phase: 'submitting', jobName: 'hourly-stats' });
    expect(runs()[0]?.arguments).toEqual({ '--hour': '2026-01-01T06', '--sluice-marker': ctx.marker });
    const runId = runs()[0]?.id ?? '';
    // The emulator has no console to link to (refs.test.ts checks the link on AWS).
    expect(started.ref.consoleUrl).toBeUndefined();
    h.clock.advance(STARTUP);
    expect((await op.poll(options, started.ref, ctx)).ref.awsState).toBe('RUNNING');
    h.clock.advance(RUN);
    const done = await op.poll(options, started.ref, ctx);
    // 2 s on 4 G.1X workers (1 DPU each).
    expect(done).toMatchObject({
      state: 'succeeded',
      output: { jobRunId: runId, executionTimeSeconds: 2, dpuSeconds: 8 },
    });
    expect(done.ref).toMatchObject({ executionTimeSeconds: 2, dpuSeconds: 8 });
  });

  it('costs a standard run (no DPUSeconds from Glue) as time × workers × DPU of the worker type', async () => {
    h.emulator.control.createJob({ Name: 'wide', WorkerType: 'G.2X', NumberOfWorkers: 3 });
    const wide = op.compile({ jobName: 'wide', workerType: 'G.4X', numberOfWorkers: 5 });
    const started = await op.start(wide, h.ctx());
    h.clock.advance(STARTUP + RUN);
    // 2 s on 5 G.4X workers (4 DPUs each): the run's own worker type, not the job's.
    expect(await op.poll(wide, started.ref, h.ctx())).toMatchObject({
      state: 'succeeded',
      output: { executionTimeSeconds: 2, dpuSeconds: 40 },
    });
  });

  it("fails with Glue's ErrorMessage", async () => {
    h.emulator.control.addJobRunRule({
      name: 'hourly-stats',
      errorMessage: 'AnalysisException: Table not found: raw.events',
    });
    const started = await op.start(options, h.ctx());
    h.clock.advance(STARTUP + RUN);
    const failed = await op.poll(options, started.ref, h.ctx());
    expect(failed).toMatchObject({ state: 'failed', retryable: true, error: { name: 'GlueJobRunFailed' } });
    if (failed.state === 'failed')
      expect(failed.error.message).toMatch(/FAILED: AnalysisException: Table not found: raw\.events$/);
  });

  it('adopts the run a crashed worker started, and a running run of try 1 on try 2', async () => {
    await op.start(options, h.ctx(1));
    h.records.splice(
      0,
      h.records.findIndex((r) => r['phase'] === 'submitting'),
    );
    const again = await op.start(options, h.ctx(1));
    h.clock.advance(STARTUP);
    const retry = await op.start(options, h.ctx(2));
    expect(runs()).toHaveLength(1);
    expect(again.ref['jobRunId']).toBe(runs()[0]?.id);
    expect(retry).toMatchObject({
      state: 'waiting',
      ref: { jobRunId: runs()[0]?.id, adoptedFrom: h.ctx(1).marker, awsState: 'RUNNING' },
    });
    expect(h.emulator.control.calls('StartJobRun')).toHaveLength(1);
  });

  it('cancel stops the run, and says ended once Glue reports it STOPPED', async () => {
    const started = await op.start(options, h.ctx());
    expect(await op.cancel(options, started.ref, h.ctx())).toEqual({ ended: false });
    expect(await op.cancel(options, started.ref, h.ctx())).toEqual({ ended: false }); // STOPPING
    h.clock.advance(50);
    expect(runs()[0]?.state).toBe('STOPPED');
    expect(await op.cancel(options, started.ref, h.ctx())).toEqual({ ended: true }); // already stopped: fine
    expect(h.emulator.control.calls('BatchStopJobRun')).toHaveLength(1);
  });

  it('starts a fresh run on try 2 rather than adopt the running run of a try whose cancel was requested', async () => {
    await op.start(options, h.ctx(1));
    h.clock.advance(STARTUP);
    expect(runs()[0]?.state).toBe('RUNNING');
    const retry = await op.start(options, h.ctx(2, { cancelledMarkers: [h.ctx(1).marker] }));
    expect(retry.ref['adoptedFrom']).toBeUndefined();
    expect(runs().map((r) => [r.arguments['--sluice-marker'], r.state])).toEqual([
      [h.ctx(1).marker, 'STOPPING'],
      [h.ctx(2).marker, 'STARTING'],
    ]);
  });

  it('retries a throttled StartJobRun inside the call; beyond maxAttempts it is a TransientAwsError', async () => {
    h.emulator.control.injectFault({ operation: 'StartJobRun', kind: 'throttle', count: 1 });
    expect((await op.start(options, h.ctx(1))).state).toBe('waiting');
    h.emulator.control.injectFault({ operation: 'GetJobRuns', kind: 'internal', count: 3 });
    const err = await rejection(op.start(options, h.ctx(2)));
    expect(err).toBeInstanceOf(TransientAwsError);
    expect(err).toMatchObject({ awsName: 'InternalServiceException' });
    expect(runs()).toHaveLength(1);
  });

  it('treats ConcurrentRunsExceededException as transient', async () => {
    h.emulator.control.createJob({ Name: 'single' });
    const single = op.compile({ jobName: 'single' });
    await op.start(
      single,
      h.ctx(1, { taskMarkers: ['sluice-00000000000000000000'], marker: 'sluice-00000000000000000000' }),
    );
    const err = await rejection(op.start(single, h.ctx(1)));
    expect(err).toMatchObject({ name: 'TransientAwsError', awsName: 'ConcurrentRunsExceededException' });
  });

  it('fails without retry for an unknown job or AccessDenied, with AWS message', async () => {
    expect(await op.start(op.compile({ jobName: 'nope' }), h.ctx())).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { name: 'EntityNotFoundException' },
    });
    h.emulator.control.injectFault({
      operation: 'StartJobRun',
      kind: 'error',
      code: 'AccessDeniedException',
      status: 400,
      message: 'not authorized to perform glue:StartJobRun',
    });
    expect(await op.start(options, h.ctx())).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { name: 'AccessDeniedException', message: 'not authorized to perform glue:StartJobRun' },
    });
  });

  it('rejects a marker argument and half a worker configuration, naming the option', () => {
    expect(() => op.compile({ jobName: 'j', arguments: { '--sluice-marker': 'x' } })).toThrow(
      'glue.startJobRun: arguments: --sluice-marker is set by Sluice',
    );
    expect(() => op.compile({ jobName: 'j', workerType: 'G.1X' })).toThrow(
      'glue.startJobRun: workerType: give workerType and numberOfWorkers together',
    );
  });
});

describe('glue.jobRunSensor', () => {
  it('waits for the run an upstream task started', async () => {
    const started = await op.start(options, h.ctx());
    const runId = String(started.ref['jobRunId']);
    const ctx = h.ctx(1, { upstreamOutputs: new Map([['stats', { jobRunId: runId }]]) });
    const watch = sensor.compile({ jobName: 'hourly-stats', runFrom: 'stats' });
    const first = await sensor.start(watch, ctx);
    expect(first).toMatchObject({ state: 'waiting', ref: { jobRunId: runId } });
    h.clock.advance(STARTUP + RUN);
    expect(await sensor.poll(watch, first.ref, ctx)).toMatchObject({ state: 'succeeded', output: { jobRunId: runId } });
  });
});

describe('glue.crawler', () => {
  const crawl = crawler.compile({ crawlerName: 'stats-tables' });

  it('starts the crawler and succeeds when its last crawl SUCCEEDED', async () => {
    const started = await crawler.start(crawl, h.ctx());
    expect(started).toMatchObject({ state: 'waiting', ref: { awsState: 'RUNNING', phase: 'started' } });
    h.clock.advance(550);
    expect(await crawler.poll(crawl, started.ref, h.ctx())).toMatchObject({
      state: 'succeeded',
      output: { crawlerName: 'stats-tables', status: 'SUCCEEDED' },
    });
  });

  it('fails with the crawl ErrorMessage', async () => {
    h.emulator.control.addCrawlRule({
      name: 'stats-tables',
      errorMessage: 'Insufficient Lake Formation permission(s)',
    });
    const started = await crawler.start(crawl, h.ctx());
    h.clock.advance(550);
    expect(await crawler.poll(crawl, started.ref, h.ctx())).toMatchObject({
      state: 'failed',
      error: {
        name: 'GlueCrawlFailed',
        message: 'Crawler stats-tables FAILED: Insufficient Lake Formation permission(s)',
      },
    });
  });

  it('adopts a crawl already running, and does not start again after a crash once its crawl finished', async () => {
    await h.glue.send(new StartCrawlerCommand({ Name: 'stats-tables' }));
    expect((await crawler.start(crawl, h.ctx(1))).state).toBe('waiting');
    h.clock.advance(550);
    h.records.length = 0;
    await crawler.start(crawl, h.ctx(2));
    h.records.splice(
      0,
      h.records.findIndex((r) => r['phase'] === 'submitting'),
    );
    h.clock.advance(550);
    expect((await crawler.start(crawl, h.ctx(2))).state).toBe('succeeded');
    expect(h.emulator.control.calls('StartCrawler').filter((c) => c.status === 200)).toHaveLength(2);
  });

  it('cancel stops the crawl; the crawl ends CANCELLED', async () => {
    const started = await crawler.start(crawl, h.ctx());
    await crawler.cancel(crawl, started.ref, h.ctx());
    h.clock.advance(50);
    expect(await crawler.poll(crawl, started.ref, h.ctx())).toMatchObject({
      state: 'failed',
      ref: { awsState: 'CANCELLED' },
    });
    await crawler.cancel(crawl, started.ref, h.ctx()); // not running any more: fine
  });
});

describe('dpuSecondsOf', () => {
  it('takes DPUSeconds when Glue reports it (Flex, auto-scaling)', () => {
    expect(dpuSecondsOf({ DPUSeconds: 123, ExecutionTime: 100, WorkerType: 'G.1X', NumberOfWorkers: 10 })).toBe(123);
  });

  it.each([
    ['G.025X', 0.25],
    ['G.1X', 1],
    ['G.2X', 2],
    ['G.4X', 4],
    ['G.8X', 8],
    ['Z.2X', 2],
  ] as const)('costs %s workers at %d DPU each', (workerType, dpu) => {
    expect(dpuSecondsOf({ ExecutionTime: 60, WorkerType: workerType, NumberOfWorkers: 10 })).toBe(60 * 10 * dpu);
  });

  it('costs a run sized by MaxCapacity, without a worker type, as time × MaxCapacity', () => {
    expect(dpuSecondsOf({ ExecutionTime: 30, MaxCapacity: 0.0625 })).toBe(1.875);
    expect(dpuSecondsOf({ ExecutionTime: 30, MaxCapacity: 10 })).toBe(300);
  });

  it('prefers workers × DPU per worker to the MaxCapacity Glue derives from them', () => {
    expect(dpuSecondsOf({ ExecutionTime: 10, WorkerType: 'G.8X', NumberOfWorkers: 2, MaxCapacity: 2 })).toBe(160);
  });
});
