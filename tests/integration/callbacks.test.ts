/**
 * Callbacks end to end: the real scheduler and worker run DAGs whose
 * callbacks post to a local HTTP listener, and the run's API view shows
 * each callback's outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, waitFor } from './harness';
import { type HttpReceiver, startHttpReceiver } from './receivers';
import { claimTaskTry } from '@sluice/db';

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

describe('callbacks of tries the scheduler fails', () => {
  it("calls onFailure once when a try's worker is lost", async () => {
    const lost = await startHarness({
      dags: {
        'lost.ts': `
import { dag, shell } from '@sluice/sdk';
const d = dag({
  id: 'lost',
  onFailure: async (ctx) => {
    await fetch('${receiver.url}/lost', { method: 'POST', body: JSON.stringify({ event: ctx.event, try: ctx.task?.tryNumber, error: ctx.error?.message }) });
  },
});
d.task('t', shell({ command: 'true' }));
`,
      },
      worker: false,
      heartbeatTimeoutMs: 1000,
    });
    try {
      const { runId } = await lost.trigger('lost');
      await lost.waitForTask('lost', runId, 't', ['queued']);
      const ti = await lost.db.db.pool.query<{ id: string }>(`SELECT id FROM task_instance WHERE dag_id = 'lost'`);
      const id = ti.rows[0]?.id ?? '';
      // A worker claims the try, then goes silent.
      expect(
        await claimTaskTry(lost.db.db.pool, { taskInstanceId: id, tryNumber: 1, hostname: 'gone' }),
      ).not.toBeNull();
      await lost.db.db.pool.query(`UPDATE task_instance SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [
        id,
      ]);
      await lost.scheduler.pass();
      await lost.scheduler.pass();
      await lost.waitForRun('lost', runId, ['failed']);
      await lost.startWorker();
      await waitFor('the lost try to be reported', async () => (receiver.json('/lost').length > 0 ? true : undefined));
      const run = await waitFor('the callback to end', async () => {
        const r = await lost.getRun('lost', runId);
        return r.callbacks[0]?.state === 'success' ? r : undefined;
      });
      expect(receiver.json('/lost')).toEqual([{ event: 'onFailure', try: 1, error: expect.any(String) }]);
      expect(run.callbacks).toHaveLength(1);
    } finally {
      await lost.close();
    }
  }, 60_000);
});
