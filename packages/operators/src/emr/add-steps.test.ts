import { TerminateJobFlowsCommand } from '@aws-sdk/client-emr';
import { InvalidOptionsError } from '@sluice/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientAwsError } from '../aws/errors';
import { type Harness, readyCluster, rejection, startHarness } from '../aws/testing';
import { addStepsOperator as op } from './add-steps';
import type { AddStepsOptions } from './options';

const RUN = 1000;
let h: Harness;
let clusterId: string;

beforeEach(async () => {
  h = await startHarness({ clusterStartMs: 100, stepRunMs: RUN, stepCancelMs: 50 });
  clusterId = await readyCluster(h);
});
afterEach(() => h.close());

const options = (extra: Partial<AddStepsOptions> = {}): AddStepsOptions =>
  op.compile({
    clusterId,
    steps: [
      { name: 'hive-aggregate', args: ['hive-script', '--run-hive-script', '--args', '-f', 's3://b/agg.q'] },
      { name: 'spark-rank', args: ['spark-submit', 's3://b/rank.py'] },
    ],
    ...extra,
  });

const stepsOnCluster = () => h.emulator.control.state().emr.clusters.find((c) => c.id === clusterId)?.steps ?? [];

describe('emr.addSteps', () => {
  it('records the intent, submits steps named with the marker, then succeeds with their ids', async () => {
    const ctx = h.ctx();
    const started = await op.start(options(), ctx);
    expect(started.state).toBe('waiting');
    expect(h.records.at(-1)).toMatchObject({ type: 'emr.step', marker: ctx.marker, clusterId, phase: 'submitting' });
    expect(stepsOnCluster().map((s) => s.name)).toEqual([
      `hive-aggregate [${ctx.marker}]`,
      `spark-rank [${ctx.marker}]`,
    ]);
    // The emulator has no console to link to (refs.test.ts checks the link on AWS).
    expect(started.ref.consoleUrl).toBeUndefined();

    h.clock.advance(RUN);
    const midway = await op.poll(options(), started.ref, ctx);
    expect(midway).toMatchObject({ state: 'waiting', ref: { awsState: 'RUNNING' } });
    h.clock.advance(RUN);
    const done = await op.poll(options(), midway.ref, ctx);
    expect(done).toEqual({
      state: 'succeeded',
      ref: expect.objectContaining({ awsState: 'COMPLETED' }),
      output: { clusterId, stepIds: stepsOnCluster().map((s) => s.id) },
    });
  });

  it('fails with the FailureDetails of a failed step and cancels the rest of the submission', async () => {
    h.emulator.control.addStepRule({
      name: /^hive-aggregate/,
      failureDetails: { reason: 'OutOfMemory', message: 'Container killed', logFile: 's3://logs/stderr.gz' },
    });
    const ctx = h.ctx();
    const started = await op.start(options(), ctx);
    h.clock.advance(RUN);
    const failed = await op.poll(options(), started.ref, ctx);
    expect(failed).toMatchObject({ state: 'failed', retryable: true, error: { name: 'EmrStepFailed' } });
    if (failed.state !== 'failed') throw new Error('expected failed');
    expect(failed.error.message).toContain('OutOfMemory: Container killed (log: s3://logs/stderr.gz)');
    h.clock.advance(50);
    expect(stepsOnCluster().map((s) => s.state)).toEqual(['FAILED', 'CANCELLED']);
  });

  it('adopts the steps a crashed worker submitted instead of submitting again', async () => {
    await op.start(options(), h.ctx());
    // The worker died after AddJobFlowSteps, before recording the step ids: only the intent is stored.
    h.records.splice(
      0,
      h.records.findIndex((r) => r['phase'] === 'submitting'),
    );
    const again = await op.start(options(), h.ctx());
    expect(again.state).toBe('waiting');
    expect(stepsOnCluster()).toHaveLength(2);
    expect(again.ref['stepIds']).toEqual(stepsOnCluster().map((s) => s.id));
    expect(h.emulator.control.calls('AddJobFlowSteps')).toHaveLength(1);
  });

  it('adopts a still-running step of try 1 on try 2', async () => {
    const one = { clusterId, steps: [{ name: 'spark-rank', args: ['spark-submit', 'rank.py'] }] };
    await op.start(op.compile(one), h.ctx(1));
    const retry = await op.start(op.compile(one), h.ctx(2));
    expect(retry).toMatchObject({
      state: 'waiting',
      ref: { marker: h.ctx(2).marker, adoptedFrom: h.ctx(1).marker, awsState: 'RUNNING' },
    });
    expect(stepsOnCluster()).toHaveLength(1);
    h.clock.advance(RUN);
    expect((await op.poll(op.compile(one), retry.ref, h.ctx(2))).state).toBe('succeeded');
  });

  it('submits a fresh step on try 2 when the step of try 1 is being cancelled (CANCEL_PENDING)', async () => {
    h.emulator.control.setDurations({ stepCancelMs: 5000 });
    const one = op.compile({ clusterId, steps: [{ name: 'spark-rank', args: ['spark-submit', 'rank.py'] }] });
    const first = await op.start(one, h.ctx(1));
    await op.cancel(one, first.ref, h.ctx(1));
    expect(stepsOnCluster().map((s) => s.state)).toEqual(['CANCEL_PENDING']);
    const retry = await op.start(one, h.ctx(2));
    expect(retry.ref['adoptedFrom']).toBeUndefined();
    expect(stepsOnCluster().map((s) => s.name)).toEqual([
      `spark-rank [${h.ctx(1).marker}]`,
      `spark-rank [${h.ctx(2).marker}]`,
    ]);
  });

  it('does not adopt a running step of an earlier try whose cancel was requested, and cancels it', async () => {
    const one = op.compile({ clusterId, steps: [{ name: 'spark-rank', args: ['spark-submit', 'rank.py'] }] });
    await op.start(one, h.ctx(1));
    expect(stepsOnCluster().map((s) => s.state)).toEqual(['RUNNING']);
    // Try 1 was cleared: its cancel request is recorded but has not reached AWS yet.
    const retry = await op.start(one, h.ctx(2, { cancelledMarkers: [h.ctx(1).marker] }));
    expect(retry.ref['adoptedFrom']).toBeUndefined();
    expect(stepsOnCluster().map((s) => [s.name, s.state])).toEqual([
      [`spark-rank [${h.ctx(1).marker}]`, 'CANCEL_PENDING'],
      [`spark-rank [${h.ctx(2).marker}]`, 'PENDING'],
    ]);
  });

  it('submits again on try 2 when the steps of try 1 failed', async () => {
    h.emulator.control.addStepRule({ name: /^spark-rank/, times: 1 });
    const one = op.compile({ clusterId, steps: [{ name: 'spark-rank', args: ['spark-submit', 'rank.py'] }] });
    const first = await op.start(one, h.ctx(1));
    h.clock.advance(RUN);
    expect((await op.poll(one, first.ref, h.ctx(1))).state).toBe('failed');
    const retry = await op.start(one, h.ctx(2));
    expect(retry.ref['adoptedFrom']).toBeUndefined();
    expect(stepsOnCluster().map((s) => s.name)).toEqual([
      `spark-rank [${h.ctx(1).marker}]`,
      `spark-rank [${h.ctx(2).marker}]`,
    ]);
  });

  it('cancel stops the pending and running steps, and says ended once AWS reports them CANCELLED', async () => {
    const started = await op.start(options(), h.ctx());
    expect(await op.cancel(options(), started.ref, h.ctx())).toEqual({ ended: false });
    expect(await op.cancel(options(), started.ref, h.ctx())).toEqual({ ended: false }); // still CANCEL_PENDING
    h.clock.advance(50);
    expect(stepsOnCluster().map((s) => s.state)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(await op.cancel(options(), started.ref, h.ctx())).toEqual({ ended: true }); // idempotent
    expect(h.emulator.control.calls('CancelSteps')).toHaveLength(1);
  });

  it('cancel finds the steps by marker when only the intent was recorded', async () => {
    await op.start(options(), h.ctx());
    const intent = h.records.find((r) => r['phase'] === 'submitting');
    if (intent === undefined) throw new Error('no intent recorded');
    await op.cancel(options(), intent, h.ctx());
    h.clock.advance(50);
    expect(stepsOnCluster().map((s) => s.state)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('rides out three throttled AddJobFlowSteps calls inside one start', async () => {
    h.emulator.control.injectFault({ operation: 'AddJobFlowSteps', kind: 'throttle', count: 3 });
    const started = await op.start(options({ aws: { maxAttempts: 6 } }), h.ctx());
    expect(started.state).toBe('waiting');
    expect(stepsOnCluster()).toHaveLength(2);
    expect(h.emulator.control.calls('AddJobFlowSteps').map((c) => c.errorCode)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ThrottlingException',
      undefined,
    ]);
  });

  it('throws TransientAwsError when throttling outlasts maxAttempts, and the next start submits once', async () => {
    h.emulator.control.injectFault({ operation: 'AddJobFlowSteps', kind: 'throttle', count: 2 });
    const err = await rejection(op.start(options({ aws: { maxAttempts: 2 } }), h.ctx()));
    expect(err).toBeInstanceOf(TransientAwsError);
    expect(err.message).toBe('ThrottlingException: Rate exceeded');
    expect(stepsOnCluster()).toHaveLength(0);
    expect((await op.start(options(), h.ctx())).state).toBe('waiting');
    expect(stepsOnCluster()).toHaveLength(2);
  });

  it('fails without retry, with AWS message, when the cluster is terminated', async () => {
    await h.emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
    const status = await op.start(options(), h.ctx());
    expect(status).toMatchObject({
      state: 'failed',
      retryable: false,
      error: {
        name: 'ValidationException',
        message: 'A job flow that is shutting down, terminated, or finished may not be modified.',
      },
    });
  });

  it('fails without retry on AccessDeniedException', async () => {
    h.emulator.control.injectFault({
      operation: 'ListSteps',
      kind: 'error',
      code: 'AccessDeniedException',
      status: 400,
      message: 'User is not authorized to perform: elasticmapreduce:ListSteps',
    });
    const status = await op.start(options(), h.ctx());
    expect(status).toMatchObject({
      state: 'failed',
      retryable: false,
      error: {
        name: 'AccessDeniedException',
        message: 'User is not authorized to perform: elasticmapreduce:ListSteps',
      },
    });
  });

  it('reads the cluster from an upstream output, and fails clearly when there is none', async () => {
    const fromUpstream = op.compile({ clusterFrom: 'create_cluster', steps: [{ name: 'x', args: ['true'] }] });
    const ok = await op.start(
      fromUpstream,
      h.ctx(1, { upstreamOutputs: new Map([['create_cluster', { clusterId }]]) }),
    );
    expect(ok.ref['clusterId']).toBe(clusterId);
    const missing = await op.start(fromUpstream, h.ctx(1, { upstreamOutputs: new Map() }));
    expect(missing).toMatchObject({ state: 'failed', retryable: false, error: { name: 'InvalidOptionsError' } });
    if (missing.state === 'failed')
      expect(missing.error.message).toContain('upstream task "create_cluster" recorded no output');
  });

  it('rejects bad options naming the option', () => {
    expect(() => op.compile({ steps: [{ name: 'x', args: [] }] })).toThrow(
      new InvalidOptionsError('emr.addSteps: clusterId: give exactly one of clusterId and clusterFrom'),
    );
    expect(() => op.compile({ clusterId, steps: [{ name: 'x', args: [1] }] })).toThrow(InvalidOptionsError);
    expect(() => op.compile({ clusterId, steps: [{ name: 'x', args: [1] }] })).toThrow(
      /^emr\.addSteps: steps\.0\.args\.0: /,
    );
    expect(() => op.compile({ clusterId, steps: [] })).toThrow(/^emr\.addSteps: steps: /);
  });
});
