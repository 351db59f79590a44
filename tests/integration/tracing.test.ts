/**
 * OpenTelemetry traces of a real run (ADR 18): one trace per run joining
 * run → task instance → try → AWS call spans, the EMR calls made through
 * the SDK against the local emulator; OTLP export to a local HTTP
 * receiver when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing started when not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, runTraceId } from '@sluice/tracing';
import { openTracing } from '@sluice/tracing/open';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulatorWithEnv } from './aws-support';
import { claimTaskTry } from '@sluice/db';
import { startHarness, waitFor, type Harness } from './harness';

let aws: Emulator;
let restoreEnv: () => void;
let h: Harness | null = null;

beforeAll(async () => {
  ({ aws, restoreEnv } = await startEmulatorWithEnv({ clusterStartMs: 100, stepRunMs: 200 }));
});
afterAll(async () => {
  await aws.close();
  restoreEnv();
});
afterEach(async () => {
  await h?.close();
  h = null;
});

const dag = `
import { dag, emr, fn } from '@sluice/sdk';
export const d = dag({ id: 'traced', schedule: null, start: '2026-01-01' });
const cluster = d.task('create_cluster', emr.createCluster({
  name: 'traced', releaseLabel: 'emr-7.2.0', applications: ['Spark'],
  instances: { masterInstanceType: 'm5.xlarge', instanceCount: 1 },
}));
const flaky = d.task('flaky', { upstream: [cluster], retries: 1, retryDelay: '1s' }, fn(async (ctx) => {
  if (ctx.tryNumber === 1) throw new Error('first try fails');
  return 1;
}));
d.task('terminate', { upstream: [cluster, flaky] }, emr.terminateCluster({ cluster }));
`;

const attr = (s: ReadableSpan, key: string) => s.attributes[key];
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('traces', () => {
  it('join a run, its task instances, their tries and the EMR calls in one trace', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ serviceName: 'sluice-test', exporter });
    try {
      h = await startHarness({ dags: { 'traced.ts': dag }, tracing });
      const run = await h.trigger('traced');
      const done = await h.waitForRun('traced', run.runId, ['success', 'failed'], 30_000);
      expect(done.state).toBe('success');
      const spans = await waitFor('the run span', async () => {
        const all = exporter.getFinishedSpans();
        return all.some((s) => s.name === 'run traced') ? all : undefined;
      });
      const [runSpan] = spans.filter((s) => s.name === 'run traced');
      const traceId = runTraceId(String(runSpan?.attributes['sluice.dag_run_id']));
      expect(runSpan?.spanContext().traceId).toBe(traceId);
      expect(parentOf(runSpan as ReadableSpan)).toBeUndefined();
      expect(runSpan?.attributes).toMatchObject({
        'sluice.dag_id': 'traced',
        'sluice.run_id': run.runId,
        'sluice.state': 'success',
      });

      const tasks = spans.filter((s) => s.name.startsWith('task '));
      expect(tasks.map((s) => s.name).sort()).toEqual(['task create_cluster', 'task flaky', 'task terminate']);
      for (const t of tasks) {
        expect(t.spanContext().traceId).toBe(traceId);
        expect(parentOf(t)).toBe(runSpan?.spanContext().spanId);
      }
      const flakyTask = tasks.find((s) => s.name === 'task flaky');
      expect(flakyTask?.attributes).toMatchObject({ 'sluice.state': 'success', 'sluice.tries': 2 });

      const tries = spans.filter((s) => s.name.startsWith('try flaky#'));
      expect(tries.map((s) => [attr(s, 'sluice.try_number'), attr(s, 'sluice.state')]).sort()).toEqual([
        [1, 'up_for_retry'],
        [2, 'success'],
      ]);
      for (const t of tries) {
        expect(parentOf(t)).toBe(flakyTask?.spanContext().spanId);
        expect(t.attributes).toMatchObject({
          'sluice.dag_id': 'traced',
          'sluice.run_id': run.runId,
          'sluice.task_id': 'flaky',
          'sluice.pool': 'default_pool',
          'host.name': 'test-host',
        });
      }
      expect(tries.find((s) => attr(s, 'sluice.try_number') === 1)?.status).toMatchObject({
        code: 2,
        message: 'first try fails',
      });

      const createTry = spans.find((s) => s.name === 'try create_cluster#1');
      expect(parentOf(createTry as ReadableSpan)).toBe(
        tasks.find((s) => s.name === 'task create_cluster')?.spanContext().spanId,
      );
      const runJobFlow = spans.find((s) => s.name === 'emr.RunJobFlow');
      expect(runJobFlow?.spanContext().traceId).toBe(traceId);
      expect(parentOf(runJobFlow as ReadableSpan)).toBe(createTry?.spanContext().spanId);
      expect(runJobFlow?.attributes).toMatchObject({
        'rpc.system': 'aws-api',
        'rpc.service': 'emr',
        'rpc.method': 'RunJobFlow',
        'cloud.region': expect.any(String),
        'aws.request_id': expect.any(String),
      });
      const terminateTry = spans.find((s) => s.name === 'try terminate#1');
      const terminate = spans.find((s) => s.name === 'emr.TerminateJobFlows');
      expect(parentOf(terminate as ReadableSpan)).toBe(terminateTry?.spanContext().spanId);
      // Calls made by later checks of a deferred try (DescribeCluster) are the try's children too.
      const trySpanIds = new Set(spans.filter((s) => s.name.startsWith('try ')).map((s) => s.spanContext().spanId));
      const awsCalls = spans.filter((s) => s.name.startsWith('emr.'));
      expect(awsCalls.map((s) => s.name)).toContain('emr.DescribeCluster');
      for (const call of awsCalls) expect(trySpanIds.has(parentOf(call) ?? ''), call.name).toBe(true);
    } finally {
      await h?.close();
      h = null;
      await tracing.shutdown();
    }
  });

  it('show a try the scheduler failed for its lost worker, and the run it ended', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ serviceName: 'sluice-test', exporter });
    try {
      h = await startHarness({
        dags: {
          'lost.ts':
            "import { dag, shell } from '@sluice/sdk';\nconst d = dag({ id: 'lost' });\nd.task('t', shell({ command: 'true' }));\n",
        },
        worker: false,
        heartbeatTimeoutMs: 1000,
        tracing,
      });
      const { runId } = await h.trigger('lost');
      await h.waitForTask('lost', runId, 't', ['queued']);
      const ti = await h.db.db.pool.query<{ id: string }>(`SELECT id FROM task_instance WHERE dag_id = 'lost'`);
      const id = ti.rows[0]?.id ?? '';
      // A worker claims the try, then goes silent.
      expect(await claimTaskTry(h.db.db.pool, { taskInstanceId: id, tryNumber: 1, hostname: 'gone' })).not.toBeNull();
      await h.db.db.pool.query(`UPDATE task_instance SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [id]);
      await h.scheduler.pass();
      await h.waitForRun('lost', runId, ['failed']);
      const spans = await waitFor('the run span', async () => {
        const all = exporter.getFinishedSpans();
        return all.some((s) => s.name === 'run lost') ? all : undefined;
      });
      const tryT = spans.find((s) => s.name === 'try t#1');
      const task = spans.find((s) => s.name === 'task t');
      expect(tryT?.attributes).toMatchObject({
        'sluice.dag_id': 'lost',
        'sluice.task_id': 't',
        'sluice.state': 'failed',
      });
      expect(tryT?.attributes['error.type']).toBe('heartbeat_lost');
      expect(parentOf(tryT as ReadableSpan)).toBe(task?.spanContext().spanId);
      expect(task?.attributes).toMatchObject({ 'sluice.state': 'failed' });
      expect(spans.find((s) => s.name === 'run lost')?.attributes).toMatchObject({ 'sluice.state': 'failed' });
    } finally {
      await h?.close();
      h = null;
      await tracing.shutdown();
    }
  });

  it('are exported over OTLP to the endpoint OTEL_EXPORTER_OTLP_ENDPOINT names', async () => {
    const received: Array<{ path: string | undefined; type: string | undefined; bytes: Buffer }> = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url, type: req.headers['content-type'], bytes: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      h = await startHarness({
        dags: { 'traced.ts': dag.replace("throw new Error('first try fails')", 'return 0') },
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      });
      const run = await h.trigger('traced');
      await h.waitForRun('traced', run.runId, ['success'], 30_000);
      // Closing flushes what the batch processor holds.
      await h.close();
      h = null;
      await waitFor('the run span at the receiver', async () =>
        received.some((r) => r.bytes.includes(Buffer.from('run traced'))) ? true : undefined,
      );
      expect(received.every((r) => r.path === '/v1/traces' && r.type === 'application/x-protobuf')).toBe(true);
      const all = Buffer.concat(received.map((r) => r.bytes));
      for (const name of ['try create_cluster#1', 'emr.RunJobFlow', 'task terminate', 'sluice-worker'])
        expect(all.includes(Buffer.from(name)), name).toBe(true);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('start nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    expect(await openTracing(undefined, 'sluice-worker')).toBeNull();
    h = await startHarness({ dags: { 'traced.ts': dag.replace("throw new Error('first try fails')", 'return 0') } });
    const run = await h.trigger('traced');
    await h.waitForRun('traced', run.runId, ['success'], 30_000);
    // No provider was registered: the global one is the API's no-op, whose spans record nothing.
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000000');
    span.end();
  });
});
