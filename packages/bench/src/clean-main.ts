/**
 * `npm run bench:clean [-- --task-instances=N] [-- --batch-size=N]`
 *
 * `sluice db clean` against a running scheduler: generates finished history
 * (default 1,000,000 task instances: 10,000 runs × 100 tasks, one try and
 * one log line each), starts a scheduler process evaluating 12 running runs,
 * then cleans everything with cleanHistory as `sluice db clean` does. While
 * it runs, every 10 ms it looks for any Postgres backend blocked by the
 * clean's connection (pg_blocking_pids) and keeps the longest wait seen. It
 * prints the batch times, the longest block, and the scheduler's mean pass
 * time before and during the clean (from its /metrics).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { cleanHistory, createDb, generateFinishedRuns } from '@sluice/db';
import { Cleanup } from './cleanup';
import { startApp } from './processes';
import { percentile } from './stats';
import { DATABASE_URL, REDIS_URL, benchFolder, createBenchSchema, freePort, withSchema } from './stack';
import { waitUntil } from './wait';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

function arg(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
}

const liveDag = `
import { dag, shell } from '@sluice/sdk';
const d = dag({ id: 'live', schedule: '*/5 * * * *', start: new Date(Date.now() - 3_600_000), catchup: true, maxActiveRuns: 16 });
let prev = d.task('t0', shell({ command: 'sleep 600' }));
for (let i = 1; i < 20; i++) prev = d.task('t' + i, { upstream: [prev] }, shell({ command: 'true' }));
`;

async function passStats(url: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(/ ([\d.e+-]+)$/.exec(text.split('\n').find((l) => l.startsWith(name)) ?? '')?.[1]);
  return {
    sum: value('sluice_scheduler_pass_duration_seconds_sum'),
    count: value('sluice_scheduler_pass_duration_seconds_count'),
  };
}

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  cleanup.onSignals();
  try {
    const total = arg('task-instances', 1_000_000);
    const tasksPerRun = 100;
    const batchRuns = arg('batch-size', 10);
    const tag = randomBytes(4).toString('hex');
    const { schema, db } = await createBenchSchema(cleanup, `clean_${tag}`);
    const runs = Math.ceil(total / tasksPerRun);
    let t = performance.now();
    await generateFinishedRuns(db.pool, {
      dagId: 'history',
      runs,
      tasksPerRun,
      logLinesPerTry: 1,
      endedBefore: new Date(Date.now() - 100 * 86_400_000),
    });
    await db.pool.query('ANALYZE');
    process.stdout.write(
      `generated ${runs} runs, ${runs * tasksPerRun} task instances in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
    );

    const dags = await benchFolder(cleanup, `clean-${tag}`);
    await writeFile(path.join(dags, 'live.ts'), liveDag);
    const metricsPort = await freePort();
    const scheduler = startApp('scheduler', 'scheduler', {
      DATABASE_URL: withSchema(DATABASE_URL, schema),
      REDIS_URL,
      SLUICE_QUEUE_PREFIX: `bench-clean-${tag}`,
      SLUICE_DAGS_FOLDER: dags,
      SLUICE_METRICS_PORT: String(metricsPort),
      SLUICE_LOG_LEVEL: 'warn',
    });
    cleanup.add('stop the scheduler', () => scheduler.stop(5000));
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    await waitUntil('the scheduler to run the live DAG', 300_000, async () => {
      if (scheduler.child.exitCode !== null) throw new Error(`the scheduler exited:\n${scheduler.outputTail()}`);
      const r = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM dag_run WHERE dag_id = 'live' AND state = 'running'`,
      );
      return (r.rows[0]?.n ?? 0) >= 12;
    }).catch((err: unknown) => {
      process.stderr.write(`scheduler output:\n${scheduler.outputTail()}\n`);
      throw err;
    });
    const before0 = await passStats(metricsUrl);
    await new Promise((r) => setTimeout(r, 10_000));
    const before1 = await passStats(metricsUrl);

    // The clean's own connection, so its pid names what it blocks.
    const cleanDb = createDb({ databaseUrl: DATABASE_URL, schema, max: 1 });
    cleanup.add('close the clean pool', () => cleanDb.close());
    const cleanPool = cleanDb.pool;
    const pid = (await cleanPool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const watcher = new pg.Client({ connectionString: DATABASE_URL });
    await watcher.connect();
    cleanup.add('close the watcher', () => watcher.end());
    let longestBlockMs = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const r = await watcher.query<{ ms: number | null }>(
          `SELECT max(EXTRACT(EPOCH FROM clock_timestamp() - query_start) * 1000)::float8 AS ms
           FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))`,
          [pid],
        );
        longestBlockMs = Math.max(longestBlockMs, r.rows[0]?.ms ?? 0);
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const batches: number[] = [];
    t = performance.now();
    const during0 = await passStats(metricsUrl);
    const deleted = await cleanHistory(cleanPool, {
      before: new Date(Date.now() - 30 * 86_400_000),
      dagIds: null,
      batchRuns,
      onBatch: (d, ms) => {
        if (d.runs > 0) batches.push(ms);
      },
    });
    const cleanSeconds = (performance.now() - t) / 1000;
    const during1 = await passStats(metricsUrl);
    watching = false;
    await watch;
    const meanMs = (a: { sum: number; count: number }, b: { sum: number; count: number }) =>
      ((b.sum - a.sum) / Math.max(1, b.count - a.count)) * 1000;
    const sorted = [...batches].sort((a, b) => a - b);
    process.stdout.write(
      [
        `deleted ${deleted.runs} runs, ${deleted.taskInstances} task instances, ${deleted.tries} tries, ${deleted.logLines} log lines in ${cleanSeconds.toFixed(1)} s`,
        `batches of ${batchRuns} runs: ${batches.length}; statement p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
        `longest wait of any backend blocked by the clean: ${longestBlockMs.toFixed(0)} ms`,
        `scheduler mean pass: ${meanMs(before0, before1).toFixed(1)} ms before, ${meanMs(during0, during1).toFixed(1)} ms during the clean (${during1.count - during0.count} passes)`,
        '',
      ].join('\n'),
    );
  } finally {
    await cleanup.run();
  }
}

await main();
