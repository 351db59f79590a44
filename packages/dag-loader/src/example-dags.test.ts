/** The example DAGs in /dags load, type-check and behave as their README says. */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTaskContext, type AnyTaskRef, type TaskContextInput, type TaskFunction } from '@sluice/sdk';
import { importDagBundle } from './import-bundle';
import { type LoadedDag, loadDagFolder } from './load-folder';
import { validateDagFolder } from './validate-folder';

const dagsDir = fileURLToPath(new URL('../../../dags', import.meta.url));

describe('example DAGs', () => {
  let dags: LoadedDag[];
  beforeAll(async () => {
    const loaded = await loadDagFolder(dagsDir);
    expect(loaded.errors).toEqual([]);
    dags = loaded.dags;
  });

  async function taskFn(dagId: string, taskId: string): Promise<TaskFunction<unknown, AnyTaskRef>> {
    const loaded = dags.find((d) => d.dagId === dagId);
    if (!loaded) throw new Error(`${dagId} not loaded`);
    const run = (await importDagBundle(loaded.bundle, loaded.hash)).getTaskFunction(dagId, taskId);
    if (!run) throw new Error(`${dagId}.${taskId} has no function`);
    return run;
  }

  function ctx(
    dagId: string,
    taskId: string,
    outputs: Record<string, unknown>,
    tryNumber = 1,
    more: Pick<TaskContextInput, 'triggeringEvents' | 'outlets' | 'recordOutletEvent'> = {},
  ) {
    const start = new Date('2026-02-03T00:00:00Z');
    return createTaskContext({
      run: {
        dagId,
        runId: 'r',
        taskId,
        logicalDate: start,
        dataInterval: { start, end: new Date('2026-02-04T00:00:00Z') },
        conf: {},
        tryNumber,
        maxTries: 3,
      },
      upstream: Object.keys(outputs),
      outputs: new Map(Object.entries(outputs)),
      writeLog: () => undefined,
      readVariable: async (name) => Promise.reject(new Error(`no variable ${name} in this test`)),
      signal: new AbortController().signal,
      ...more,
    });
  }

  const lateEvent = (dates: string[], id: string) => ({
    id,
    uri: 's3://audience-events/raw/late/',
    extra: { dates },
    source: { kind: 'external' as const, actor: 'landing' },
    createdAt: '2026-11-22T06:00:00.000Z',
  });

  it('validate without import or type errors', async () => {
    const result = await validateDagFolder(dagsDir);
    expect(result.errors).toEqual([]);
    expect(result.dags.map((d) => d.dagId)).toEqual([
      'audience_reports',
      'daily_batch_etl',
      'emr_cluster_per_run',
      'emr_daily_batch',
      'failing_delivery',
      'flaky_ingest',
      'glue_hourly_landing',
      'glue_hourly_partitions',
      'glue_hourly_stats',
      'hourly_stats',
      'late_data_correction',
      'news_feed_batch',
      'partner_revenue_report',
    ]);
  }, 60_000);

  it('daily_batch_etl passes typed outputs from extract to report', async () => {
    const extracted = await (await taskFn('daily_batch_etl', 'extract'))(ctx('daily_batch_etl', 'extract', {}));
    expect(extracted).toMatchObject({ day: '2026-02-03', files: 24 });
    const transformed = await (await taskFn('daily_batch_etl', 'transform'))(
      ctx('daily_batch_etl', 'transform', { extract: extracted }),
    );
    const report = await (await taskFn('daily_batch_etl', 'report'))(
      ctx('daily_batch_etl', 'report', { transform: transformed, load: undefined }),
    );
    expect(report).toMatchObject({
      table: 'batch_views.user_activities_20260203',
      total: (extracted as { rows: number }).rows,
    });
  });

  it('flaky_ingest fails its first try and succeeds on the second', async () => {
    const ingest = await taskFn('flaky_ingest', 'ingest');
    await expect((async () => ingest(ctx('flaky_ingest', 'ingest', {}, 1)))()).rejects.toThrow('throttled');
    expect(await ingest(ctx('flaky_ingest', 'ingest', {}, 2))).toEqual({ batches: 12, lateBatches: 1 });
    const spec = dags.find((d) => d.dagId === 'flaky_ingest')?.spec.tasks.find((t) => t.taskId === 'ingest');
    expect(spec?.retry).toMatchObject({ retries: 2, retryDelayMs: 3000 });
  });

  it('failing_delivery fails its load on every try and cleans up with all_done', async () => {
    const load = await taskFn('failing_delivery', 'load_to_redshift');
    const outputs = { wait_for_manifest: { manifest: 's3://m', files: 6 }, stage_batch: undefined };
    for (const tryNumber of [1, 2, 3]) {
      await expect(
        (async () => load(ctx('failing_delivery', 'load_to_redshift', outputs, tryNumber)))(),
      ).rejects.toThrow('Redshift COPY failed');
    }
    const tasks = dags.find((d) => d.dagId === 'failing_delivery')?.spec.tasks ?? [];
    expect(tasks.find((t) => t.taskId === 'cleanup_staging')).toMatchObject({
      triggerRule: 'all_done',
      upstream: ['load_to_redshift'],
    });
    expect(tasks.find((t) => t.taskId === 'mark_delivered')).toMatchObject({
      triggerRule: 'all_success',
      upstream: ['load_to_redshift'],
    });
  });

  it('glue_hourly_partitions maps one Glue job run over each partition that landed', async () => {
    const list = await taskFn('glue_hourly_partitions', 'list_partitions');
    const listed = await list(
      ctx('glue_hourly_partitions', 'list_partitions', {
        wait_for_exports: {
          bucket: 'game-events',
          keys: [
            'raw/events/dt=2026-02-03/hour=00/region=us/part-0.json',
            'raw/events/dt=2026-02-03/hour=00/region=eu/part-0.json',
            'raw/events/dt=2026-02-03/hour=00/region=eu/part-1.json',
            'raw/events/dt=2026-02-03/hour=00/_SUCCESS',
          ],
          count: 4,
        },
      }),
    );
    expect(listed).toEqual({
      partitions: [
        { region: 'eu', path: 's3://game-events/raw/events/dt=2026-02-03/hour=00/region=eu/' },
        { region: 'us', path: 's3://game-events/raw/events/dt=2026-02-03/hour=00/region=us/' },
      ],
    });
    const tasks = dags.find((d) => d.dagId === 'glue_hourly_partitions')?.spec.tasks ?? [];
    expect(tasks.find((t) => t.taskId === 'partition_stats_job')).toMatchObject({
      map: { over: { from: 'output', taskId: 'list_partitions', path: ['partitions'] } },
      maxActiveTisPerDagrun: 4,
      operator: { kind: 'glue.startJobRun', options: { arguments: { '--source': '{{ item.path }}' } } },
    });
    const report = await taskFn('glue_hourly_partitions', 'report');
    expect(
      await report(
        ctx('glue_hourly_partitions', 'report', {
          list_partitions: listed,
          partition_stats_job: [{ jobRunId: 'jr_1' }, { jobRunId: 'jr_2' }],
        }),
      ),
    ).toEqual({ regions: ['eu', 'us'], jobRuns: ['jr_1', 'jr_2'] });
  });

  it('hourly_stats fans out from one task and back into one', () => {
    const tasks = dags.find((d) => d.dagId === 'hourly_stats')?.spec.tasks ?? [];
    expect(tasks.filter((t) => t.upstream.includes('find_partition')).map((t) => t.taskId)).toEqual([
      'engagement_stats',
      'ad_view_stats',
      'compact_partition',
    ]);
    expect(tasks.find((t) => t.taskId === 'publish_stats')?.upstream).toEqual([
      'engagement_stats',
      'ad_view_stats',
      'compact_partition',
    ]);
  });

  it('news_feed_batch waits for another DAG, caps its ranking, and triggers and waits for the ads report', async () => {
    const tasks = dags.find((d) => d.dagId === 'news_feed_batch')?.spec.tasks ?? [];
    expect(tasks.map((t) => [t.taskId, t.operator.kind, t.upstream])).toEqual([
      ['wait_for_activity_logs', 'sluice.dagRunSensor', []],
      ['rank_articles', 'fn', ['wait_for_activity_logs']],
      ['trigger_partner_report', 'sluice.triggerDag', ['rank_articles']],
      ['publish', 'fn', ['rank_articles', 'trigger_partner_report']],
    ]);
    expect(tasks[0]?.operator.options).toEqual({
      dagId: 'daily_batch_etl',
      taskId: 'load',
      logicalDateOffsetMs: 0,
      allowedStates: ['success'],
      failedStates: ['failed', 'upstream_failed'],
      sensor: { timeoutMs: 21_600_000, mode: 'fail', pokeIntervalMs: 60_000 },
    });
    expect(tasks[1]?.maxActiveTisPerDag).toBe(1);
    expect(tasks[2]?.operator.options).toEqual({
      dagId: 'partner_revenue_report',
      conf: { day: '{{ ds }}', source: 'news_feed_batch' },
      wait: true,
      pollIntervalMs: 30_000,
      allowedStates: ['success'],
      failedStates: ['failed'],
    });
    // The DAGs it names are examples too: the sensor's task exists, and the target takes the conf it is sent.
    const etl = dags.find((d) => d.dagId === 'daily_batch_etl')?.spec;
    expect(etl?.tasks.map((t) => t.taskId)).toContain('load');
    expect(etl?.schedule).toBe('@daily');
    const report = dags.find((d) => d.dagId === 'partner_revenue_report')?.spec;
    expect(report?.schedule).toBeNull();
    expect(report?.confSchema).toMatchObject({ required: ['day'] });

    const ranked = await (await taskFn('news_feed_batch', 'rank_articles'))(
      ctx('news_feed_batch', 'rank_articles', {
        wait_for_activity_logs: { dagId: 'daily_batch_etl', runId: 'scheduled__x', taskId: 'load', state: 'success' },
      }),
    );
    expect(ranked).toEqual({ day: '2026-02-03', ranked: 530 });
    const published = await (await taskFn('news_feed_batch', 'publish'))(
      ctx('news_feed_batch', 'publish', {
        rank_articles: ranked,
        trigger_partner_report: { runId: 'triggered__news_feed_batch__r__trigger_partner_report', state: 'success' },
      }),
    );
    expect(published).toEqual({
      day: '2026-02-03',
      ranked: 530,
      partnerReport: 'triggered__news_feed_batch__r__trigger_partner_report (success)',
    });
  });

  it('partner_revenue_report computes revenue for the day its conf names', async () => {
    const base = ctx('partner_revenue_report', 'collect_impressions', {});
    const collected = await (await taskFn('partner_revenue_report', 'collect_impressions'))({
      ...base,
      conf: { day: '2026-02-03', source: 'news_feed_batch' },
    });
    expect(collected).toEqual({ day: '2026-02-03', impressions: 123_000 });
    const revenue = await (await taskFn('partner_revenue_report', 'compute_revenue'))(
      ctx('partner_revenue_report', 'compute_revenue', { collect_impressions: collected }),
    );
    expect(revenue).toEqual({ day: '2026-02-03', revenueUsd: 307.5 });
  });

  it('late_data_correction is scheduled on the late-data asset and reprocesses each day its events name once', async () => {
    const spec = dags.find((d) => d.dagId === 'late_data_correction')?.spec;
    expect(spec?.schedule).toBeNull();
    expect(spec?.assetSchedule).toEqual({ kind: 'all', assets: ['s3://audience-events/raw/late/'] });
    expect(spec?.tasks.find((t) => t.taskId === 'reprocess_days')?.operator.options).toMatchObject({
      arguments: { '--days': '{{ triggering.dates }}' },
    });
    const plan = await taskFn('late_data_correction', 'plan');
    const events = [lateEvent(['2026-11-21', '2026-11-20'], 'e1'), lateEvent(['2026-11-20'], 'e2')];
    expect(await plan(ctx('late_data_correction', 'plan', {}, 1, { triggeringEvents: events }))).toEqual({
      dates: ['2026-11-20', '2026-11-21'],
      partitions: ['s3://audience-events/enriched/dt=2026-11-20/', 's3://audience-events/enriched/dt=2026-11-21/'],
    });
    await expect(
      (async () =>
        plan(ctx('late_data_correction', 'plan', {}, 1, { triggeringEvents: [lateEvent(['20 Nov'], 'e3')] })))(),
    ).rejects.toThrow('late-data events name dates that are not YYYY-MM-DD: 20 Nov');
  });

  it("late_data_correction's announce tells audience_reports which days changed", async () => {
    const spec = dags.find((d) => d.dagId === 'late_data_correction')?.spec;
    expect(spec?.tasks.find((t) => t.taskId === 'announce')?.outlets).toEqual(['s3://audience-events/enriched/']);
    expect(dags.find((d) => d.dagId === 'audience_reports')?.spec.assetSchedule).toEqual({
      kind: 'all',
      assets: ['s3://audience-events/enriched/'],
    });
    const given: Array<[string, unknown]> = [];
    const announce = await taskFn('late_data_correction', 'announce');
    await announce(
      ctx('late_data_correction', 'announce', { plan: { dates: ['2026-11-20'] }, refresh_catalog: undefined }, 1, {
        outlets: ['s3://audience-events/enriched/'],
        recordOutletEvent: (uri, extra) => given.push([uri, extra]),
      }),
    );
    expect(given).toEqual([['s3://audience-events/enriched/', { dates: ['2026-11-20'], reason: 'late data' }]]);
    const rebuild = await taskFn('audience_reports', 'rebuild_reports');
    const enriched = {
      ...lateEvent([], 'e4'),
      uri: 's3://audience-events/enriched/',
      extra: { dates: ['2026-11-20'], reason: 'late data' },
    };
    expect(await rebuild(ctx('audience_reports', 'rebuild_reports', {}, 1, { triggeringEvents: [enriched] }))).toEqual({
      rebuilt: ['reports.audience_daily_20261120'],
    });
  });
});
