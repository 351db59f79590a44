/**
 * Callbacks end to end: the real scheduler and worker run DAGs whose
 * callbacks post to a local HTTP listener, and the run's API view shows
 * each callback's outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, waitFor } from './harness';
import { type HttpReceiver, startHttpReceiver } from './receivers';

let receiver: HttpReceiver;
let h: Harness;

const callbacksDag = (url: string) => `
import { callback, dag, fn } from '@sluice/sdk';

const report = (kind: string) => async (ctx) => {
  await fetch('${url}/' + kind, {
    method: 'POST',
    body: JSON.stringify({ event: ctx.event, task: ctx.task?.taskId, try: ctx.task?.tryNumber, error: ctx.error?.message, url: ctx.url }),
  });
};

const d = dag({
  id: 'callbacks',
  onFailure: report('dag'),
  onRetry: report('dag'),
  defaultArgs: { retries: 1, retryDelay: 0 },
});
d.task('flaky', { onSuccess: report('task') }, fn((ctx) => {
  if (ctx.tryNumber === 1) throw new Error('first try fails');
  return 'ok';
}));
d.task('broken', fn(() => {
  throw new Error('always fails');
}));

const slow = dag({ id: 'callback_limits' });
slow.task('fails', {
  onFailure: callback(async () => { while (true) {} }, { timeout: '500ms', retries: 1 }),
}, fn(() => { throw new Error('boom'); }));
`;

beforeAll(async () => {
  receiver = await startHttpReceiver();
  h = await startHarness({
    dags: { 'callbacks.ts': callbacksDag(receiver.url) },
    env: { SLUICE_BASE_URL: 'https://sluice.example.com' },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

describe('callbacks', () => {
  it("calls the DAG's onFailure once per failed try and onRetry per retried one, never for a retry that succeeds", async () => {
    const { runId } = await h.trigger('callbacks');
    await h.waitForRun('callbacks', runId, ['failed'], 30_000);
    const run = await waitFor(
      'four callbacks to end',
      async () => {
        const r = await h.getRun('callbacks', runId);
        return r.callbacks.length === 4 && r.callbacks.every((c) => c.state === 'success') ? r : undefined;
      },
      20_000,
    );
    const dagCalls = receiver.json('/dag').map((b) => `${b['event']} ${b['task']} try ${b['try']}`);
    expect(dagCalls.sort()).toEqual(['onFailure broken try 2', 'onRetry broken try 1', 'onRetry flaky try 1']);
    expect(receiver.json('/task')).toEqual([
      {
        event: 'onSuccess',
        task: 'flaky',
        try: 2,
        url: `https://sluice.example.com/dags/callbacks/runs/${encodeURIComponent(runId)}?task=flaky`,
      },
    ]);
    const failure = receiver.json('/dag').find((b) => b['event'] === 'onFailure');
    expect(failure?.['error']).toBe('always fails');
    expect(run.callbacks.map((c) => `${c.event} ${c.scope} ${c.kind} ${c.taskId} ${c.tryNumber}`).sort()).toEqual([
      'onFailure dag function broken 2',
      'onRetry dag function broken 1',
      'onRetry dag function flaky 1',
      'onSuccess task function flaky 2',
    ]);
  }, 60_000);

  it('stops a callback at its timeout and tries it again, then records it failed', async () => {
    const { runId } = await h.trigger('callback_limits');
    await h.waitForRun('callback_limits', runId, ['failed'], 30_000);
    const cb = await waitFor(
      'the spinning callback to fail for good',
      async () => {
        const r = await h.getRun('callback_limits', runId);
        const c = r.callbacks[0];
        return c && c.state === 'failed' ? c : undefined;
      },
      30_000,
    );
    expect(cb).toMatchObject({ event: 'onFailure', attempts: 2, maxAttempts: 2 });
    expect(cb.lastError).toEqual({ name: 'CallbackTimeoutError', message: 'the callback took longer than 500 ms' });
    expect(cb.log).toContain('attempt 1 of 2 failed: CallbackTimeoutError');
  }, 60_000);
});
