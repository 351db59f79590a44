/**
 * /metrics on the API, scheduler and worker (each on its own port): every
 * metric Sluice documents is there, and the counters move after a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { apiMetrics, startApiOps, ApiConfig } from '@sluice/api';
import { openEngine, triggerRun, type OpenEngine } from '@sluice/engine';
import { engineObserver, type SluiceMetrics } from '@sluice/metrics';
import { type Harness, startHarness } from './harness';

const chain = `
import { dag, fn } from '@sluice/sdk';
const d = dag({ id: 'measured' });
const extract = d.task('extract', fn(() => ({ rows: 3 })));
d.task('load', { upstream: [extract] }, fn((ctx) => ctx.output(extract).rows));
`;

const documented = [
  'sluice_scheduler_pass_duration_seconds',
  'sluice_run_start_lag_seconds',
  'sluice_handoff_latency_seconds',
  'sluice_task_duration_seconds',
  'sluice_task_tries_total',
  'sluice_deferred_checks_total',
  'sluice_dag_parse_duration_seconds',
  'sluice_dag_import_errors',
  'sluice_aws_calls_total',
  'sluice_aws_call_errors_total',
  'sluice_callbacks_total',
  'sluice_deadline_misses_total',
  'sluice_queue_jobs',
  'sluice_queue_oldest_queued_age_seconds',
  'sluice_task_instances',
  'sluice_scheduler_heartbeat_age_seconds',
  'sluice_db_pool_connections',
  'sluice_process_nodejs_eventloop_lag_seconds',
];

let h: Harness;
let api: { engine: OpenEngine; metrics: SluiceMetrics; ops: { url: string | null; close(): Promise<void> } };

const scrape = async (url: string | null): Promise<string> => {
  if (url === null) throw new Error('no metrics endpoint');
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
};

/** The value of one sample line, e.g. `sluice_task_tries_total{outcome="success",component="worker"}`. */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number => {
  const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  const line = lines.find((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
};

beforeAll(async () => {
  h = await startHarness({ dags: { 'measured.ts': chain }, env: { SLUICE_METRICS_PORT: '0' } });
  const logger = pino({ level: 'silent' });
  const metrics = apiMetrics();
  const engine = openEngine({
    databaseUrl: h.databaseUrl,
    redisUrl: h.env.REDIS_URL ?? '',
    queuePrefix: h.prefix,
    logger,
    name: 'sluice-metrics-test',
    observer: engineObserver(metrics),
  });
  const ops = await startApiOps(ApiConfig.parse({ ...h.env, SLUICE_METRICS_PORT: '0' }), engine, metrics, logger);
  api = { engine, metrics, ops };
}, 60_000);

afterAll(async () => {
  await api?.ops.close();
  await api?.engine.close();
  await h?.close();
});

describe('/metrics', () => {
  it('shows every documented metric on each process, and the counters move after a run', async () => {
    const before = await scrape(h.worker?.metricsUrl ?? null);
    expect(Number.isNaN(sample(before, 'sluice_task_tries_total', { outcome: 'success' }))).toBe(true);

    const run = await triggerRun(api.engine.res, { dagId: 'measured', actor: 'test' });
    await h.waitForRun('measured', run.runId, ['success']);
    await h.scheduler.pass();

    const texts = {
      api: await scrape(api.ops.url),
      scheduler: await scrape(h.scheduler.metricsUrl),
      worker: await scrape(h.worker?.metricsUrl ?? null),
    };
    for (const [component, text] of Object.entries(texts)) {
      for (const name of documented) expect(text, `${name} on the ${component}`).toContain(`# TYPE ${name} `);
    }
    const worker = texts.worker;
    expect(sample(worker, 'sluice_task_tries_total', { outcome: 'success' })).toBe(2);
    expect(
      sample(worker, 'sluice_task_duration_seconds_count', { dag_id: 'measured', task_id: 'load', outcome: 'success' }),
    ).toBe(1);
    expect(sample(worker, 'sluice_handoff_latency_seconds_count')).toBe(1);
    expect(sample(worker, 'sluice_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    // The trigger or a scheduler pass started the run, whichever came first: once in all.
    const starts = (t: string) => sample(t, 'sluice_run_start_lag_seconds_count');
    expect(starts(texts.api) + starts(texts.scheduler)).toBe(1);
    expect(sample(texts.scheduler, 'sluice_scheduler_pass_duration_seconds_count')).toBeGreaterThan(0);
    expect(sample(texts.scheduler, 'sluice_dag_parse_duration_seconds_count')).toBeGreaterThan(0);
    expect(sample(texts.scheduler, 'sluice_task_instances', { state: 'running' })).toBe(0);
    expect(sample(texts.scheduler, 'sluice_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(sample(texts.scheduler, 'sluice_scheduler_heartbeat_age_seconds')).toBeLessThan(5);
  }, 60_000);

  it('answers liveness and readiness probes beside /metrics', async () => {
    const url = h.worker?.metricsUrl ?? '';
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
  });
});
