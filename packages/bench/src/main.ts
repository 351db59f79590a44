/**
 * `npm run bench [-- --quick] [-- --only=handoff,throughput,bullmq,scale,api,ui,mapping,cli,loading,history] [-- --history-runs=N] [-- --profile] [-- --keep]`
 *
 * --profile writes V8 CPU profiles of the scheduler, API and workers to bench/profiles/;
 * --keep leaves the Sluice schema in Postgres for EXPLAIN ANALYZE.
 *
 * Starts a whole Sluice (scheduler, API and worker processes, a fresh
 * Postgres schema, a random Redis prefix), measures handoff, throughput,
 * scale, mapping (a 1,000-wide map against the same fan-out written out),
 * DAG loading, the grid API and the `sluice` command's start, runs
 * bare BullMQ on the same Redis as the peer, then the API and scheduler
 * after a year of runs (history, on a Sluice of its own), prints a table and writes bench/results.json.
 * `--quick` runs small versions of handoff, throughput, BullMQ, the CLI and history
 * and fails when a Sluice ÷ BullMQ ratio is worse than half its target or
 * a read grew with history. `--history-runs=N` sets how many runs history
 * seeds (250,000 by default, 5,000 with --quick).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Cleanup } from './cleanup';
import {
  chainDag,
  independentDag,
  layeredDag,
  layeredTaskCount,
  mappedFanoutDag,
  staticFanoutDag,
  type DagFile,
} from './dag-files';
import { decideGuard } from './guard';
import { machineFacts } from './machine';
import { repoRoot } from './processes';
import { formatReport, headline, targetChecks, type BenchResults } from './report';
import { measureGrid, seedGridRuns } from './sections/api';
import { measureCli } from './sections/cli';
import { measureUiPages } from './sections/ui-pages';
import { measureHandoff } from './sections/handoff';
import { measureLoading } from './sections/loading';
import { measureMapping } from './sections/mapping';
import { bullmqFlowChain, bullmqThroughput, cleanPrefix } from './sections/peer';
import { measureScaleRun } from './sections/scale';
import { measureThroughput } from './sections/throughput';
import { measureHistory } from './sections/history';
import { historyGuardCheck } from './sections/history-report';
import { historyDag, historyDagId } from './sections/history-seed';
import { runSoak } from './sections/soak';
import { DATABASE_URL, REDIS_URL, startStack } from './stack';

const sectionNames = [
  'handoff',
  'throughput',
  'bullmq',
  'scale',
  'api',
  'ui',
  'mapping',
  'cli',
  'loading',
  'history',
] as const;
type Section = (typeof sectionNames)[number];

interface Args {
  quick: boolean;
  /** --soak=20m: only the soak, this long. */
  soakMs: number | null;
  historyRuns: number | null;
  only: Set<Section> | null;
  profile: boolean;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, soakMs: null, historyRuns: null, only: null, profile: false, keep: false };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a.startsWith('--soak=')) {
      const m = /^(\d+)(s|m)$/.exec(a.slice('--soak='.length));
      if (!m) usage(`--soak takes a duration such as 20m or 90s, got "${a}"`);
      args.soakMs = Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
    } else if (a.startsWith('--history-runs=')) {
      const runs = Number(a.slice('--history-runs='.length));
      if (!Number.isInteger(runs) || runs < 50)
        usage(`--history-runs must be a whole number of at least 50, got "${a}"`);
      args.historyRuns = runs;
    } else if (a === '--profile') args.profile = true;
    else if (a === '--keep') args.keep = true;
    else if (a.startsWith('--only=')) {
      const names = a.slice('--only='.length).split(',');
      for (const n of names) if (!(sectionNames as readonly string[]).includes(n)) usage(`unknown section "${n}"`);
      args.only = new Set(names as Section[]);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument "${a}"`);
  }
  return args;
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`bench: ${problem}\n`);
  process.stderr.write(
    `usage: npm run bench -- [--quick] [--only=${sectionNames.join(',')}] [--history-runs=N] [--soak=20m] [--profile] [--keep]\n`,
  );
  process.exit(problem ? 2 : 0);
}

const sizes = {
  quick: {
    chain: 30,
    reps: 3,
    runs: 10,
    tasksPerRun: 30,
    workerCounts: [2],
    flowChain: 30,
    scale: [] as Array<{ blocks: number; width: number }>,
    gridRuns: 0,
    cliRuns: 5,
    loadFiles: 0,
    history: { dags: 50, runs: 5_000, liveRunsPerDag: 1, requests: 10, passes: 10, idleSeconds: 10 },
  },
  full: {
    chain: 200,
    reps: 3,
    runs: 50,
    tasksPerRun: 100,
    workerCounts: [2, 1, 4],
    flowChain: 200,
    scale: [
      { blocks: 10, width: 99 },
      { blocks: 10, width: 999 },
    ],
    gridRuns: 365,
    cliRuns: 20,
    loadFiles: 1000,
    history: { dags: 50, runs: 250_000, liveRunsPerDag: 20, requests: 20, passes: 20, idleSeconds: 60 },
  },
};
const WORKER_CONCURRENCY = 10;
/** The soak: 85 task instances per second, as the issue's, in runs of 20 no-op tasks. */
const SOAK = { dagId: 'bench_soak_20', tasksPerRun: 20, tiPerSec: 85 };
const cleanup = new Cleanup();
const GRID_TASKS = { blocks: 5, width: 9 }; // 50 tasks
/** The mapping section (not in --quick): 1,000 wide, mapped and written out; the grid of a run mapped 10,000 wide. */
const MAPPING = {
  width: 1000,
  gridWidth: 10_000,
  ids: { static: 'bench_fanout_1000', mapped: 'bench_mapped_1000', grid: 'bench_mapped_10000' },
};
/** The UI pages' section (not in --quick): 500 runs of a 50-task DAG, every tenth failed. */
const UI_PAGES = { runs: 500, requests: 20 };

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const want = (s: Section) =>
    args.soakMs !== null
      ? false
      : args.only
        ? args.only.has(s)
        : args.quick
          ? s === 'handoff' || s === 'throughput' || s === 'bullmq' || s === 'cli' || s === 'history'
          : true;
  const size = args.quick ? sizes.quick : sizes.full;
  cleanup.onSignals();
  const started = Date.now();
  const log = (msg: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}\n`);

  const partial: Omit<BenchResults, 'checks' | 'guard' | 'durationS' | 'headline'> = {
    mode: args.quick ? 'quick' : 'full',
    startedAt: new Date(started).toISOString(),
    machine: await machineFacts(REDIS_URL, DATABASE_URL),
    setup: {
      scheduler: 'process (apps/scheduler/src/main.ts)',
      api: 'process (apps/api/src/main.ts)',
      workers: 'processes (apps/worker/src/main.ts)',
      workerConcurrency: WORKER_CONCURRENCY,
      bullmq: 'in the bench process, same Redis',
      reps: size.reps,
      warmup: 'throughput: one rep of the same size first, not counted, on both sides',
    },
    throughput: [],
    bullmq: {},
    scale: [],
    grid: [],
    errors: {},
  };
  const section = async (name: string, fn: () => Promise<void>) => {
    if (cleanup.aborted) return;
    log(`${name}…`);
    try {
      await fn();
    } catch (raw) {
      const message = raw instanceof Error ? raw.message : String(raw);
      partial.errors[name] = message;
      log(`${name} failed: ${message}`);
    }
  };

  try {
    const dags: DagFile[] = [];
    const ids = {
      chain: `bench_chain_${size.chain}`,
      indep: `bench_independent_${size.tasksPerRun}`,
      grid: 'bench_grid_50',
      ui: 'bench_ui_50',
    };
    if (want('handoff')) dags.push(chainDag(ids.chain, size.chain));
    if (want('throughput')) dags.push(independentDag(ids.indep, size.tasksPerRun));
    const scaleDags =
      want('scale') || want('api')
        ? size.scale.map((s) => ({ ...s, id: `bench_layered_${layeredTaskCount(s.blocks, s.width)}` }))
        : [];
    for (const s of scaleDags) dags.push(layeredDag(s.id, s.blocks, s.width));
    if (want('api') && size.gridRuns > 0) dags.push(layeredDag(ids.grid, GRID_TASKS.blocks, GRID_TASKS.width));
    if (want('ui')) dags.push(layeredDag(ids.ui, GRID_TASKS.blocks, GRID_TASKS.width));
    if (want('mapping')) {
      dags.push(staticFanoutDag(MAPPING.ids.static, MAPPING.width));
      dags.push(mappedFanoutDag(MAPPING.ids.mapped, MAPPING.width));
      dags.push(mappedFanoutDag(MAPPING.ids.grid, MAPPING.gridWidth));
    }

    const needsStack = dags.length > 0 || want('bullmq') || want('cli');
    if (needsStack) {
      log(`starting Sluice: scheduler, API, 2 workers (${dags.length} DAG files)…`);
      const profDir = path.join(repoRoot, 'bench', 'profiles');
      if (args.profile) await mkdir(profDir, { recursive: true });
      const prof = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
      const stack = await startStack(cleanup, {
        dags,
        dagIds: dags.map((d) => d.file.replace(/\.ts$/, '')),
        workers: 2,
        workerConcurrency: WORKER_CONCURRENCY,
        schedulerNodeArgs: prof,
        apiNodeArgs: prof,
        workerNodeArgs: prof,
        keepSchema: args.keep,
      });
      log(`up: schema ${stack.schema}, prefix ${stack.prefix}, API ${stack.apiUrl}`);

      // First, while the stack is idle: a command's start is what is timed, not the machine's load.
      if (want('cli')) {
        await section('CLI start', async () => {
          partial.cli = await measureCli(stack.apiUrl, { runs: size.cliRuns });
        });
      }

      if (want('handoff')) {
        await section('handoff', async () => {
          partial.handoff = await measureHandoff(stack, {
            dagId: ids.chain,
            chainLength: size.chain,
            reps: size.reps,
            timeoutMs: 120_000,
          });
        });
      }
      if (want('throughput')) {
        const first = size.workerCounts[0] ?? 2;
        await section(`throughput (${first} workers)`, async () => {
          partial.throughput.push(
            await measureThroughput(stack, {
              dagId: ids.indep,
              workers: first,
              runs: size.runs,
              tasksPerRun: size.tasksPerRun,
              reps: size.reps,
              timeoutMs: 180_000,
            }),
          );
        });
      }
      if (want('bullmq')) {
        const peerPrefix = `${stack.prefix}-peer`;
        cleanup.add(`delete Redis keys ${peerPrefix}:*`, () => cleanPrefix(REDIS_URL, peerPrefix));
        await section('BullMQ throughput', async () => {
          partial.bullmq.throughput = await bullmqThroughput(REDIS_URL, peerPrefix, {
            jobs: size.runs * size.tasksPerRun,
            reps: size.reps,
            concurrency: WORKER_CONCURRENCY,
            timeoutMs: 120_000,
          });
        });
        await section('BullMQ flow chain', async () => {
          partial.bullmq.flow = await bullmqFlowChain(REDIS_URL, peerPrefix, {
            chainLength: size.flowChain,
            reps: size.reps,
            concurrency: WORKER_CONCURRENCY,
            timeoutMs: 60_000,
          });
        });
      }
      if (want('throughput')) {
        for (const n of size.workerCounts.slice(1)) {
          await section(`throughput (${n} workers)`, async () => {
            partial.throughput.push(
              await measureThroughput(stack, {
                dagId: ids.indep,
                workers: n,
                runs: size.runs,
                tasksPerRun: size.tasksPerRun,
                reps: size.reps,
                timeoutMs: 180_000,
              }),
            );
          });
        }
      }
      if (scaleDags.length > 0) {
        if (stack.workers.length !== 2) await stack.setWorkers(2);
        for (const s of scaleDags) {
          const tasks = layeredTaskCount(s.blocks, s.width);
          await section(`scale (${tasks} tasks)`, async () => {
            partial.scale.push(
              await measureScaleRun(stack, { dagId: s.id, tasks, timeoutMs: tasks >= 5_000 ? 600_000 : 180_000 }),
            );
          });
        }
      }
      if (want('api')) {
        if (size.gridRuns > 0) {
          await section('grid (365 runs × 50 tasks)', async () => {
            await seedGridRuns(stack, ids.grid, size.gridRuns, layeredTaskCount(GRID_TASKS.blocks, GRID_TASKS.width));
            partial.grid.push(
              await measureGrid(stack, { dagId: ids.grid, limit: size.gridRuns, requests: 30, reps: size.reps }),
            );
          });
        }
        const large = scaleDags.at(-1);
        if (large) {
          await section('grid (the 10k-task run)', async () => {
            partial.grid.push(await measureGrid(stack, { dagId: large.id, limit: 25, requests: 15, reps: size.reps }));
          });
        }
      }
      if (want('ui')) {
        await section(`UI pages (${UI_PAGES.runs} runs × 50 tasks)`, async () => {
          const tasks = layeredTaskCount(GRID_TASKS.blocks, GRID_TASKS.width);
          await seedGridRuns(stack, ids.ui, UI_PAGES.runs, tasks);
          await stack.db.pool.query(
            `UPDATE dag_run SET state = 'failed' WHERE dag_id = $1 AND extract(day FROM logical_date)::int % 10 = 0`,
            [ids.ui],
          );
          await stack.db.pool.query('VACUUM ANALYZE dag_run, task_instance');
          partial.ui = await measureUiPages(stack, {
            dagId: ids.ui,
            runs: UI_PAGES.runs,
            tasks,
            requests: UI_PAGES.requests,
            reps: size.reps,
          });
        });
      }
      if (want('mapping')) {
        if (stack.workers.length !== 2) await stack.setWorkers(2);
        await section(`mapping (${MAPPING.width} wide, mapped and static)`, async () => {
          partial.mapping = await measureMapping(
            stack,
            {
              staticDagId: MAPPING.ids.static,
              mappedDagId: MAPPING.ids.mapped,
              width: MAPPING.width,
              reps: size.reps,
              timeoutMs: 180_000,
              grid: { dagId: MAPPING.ids.grid, width: MAPPING.gridWidth, timeoutMs: 600_000, requests: 15 },
            },
            log,
          );
        });
      }
      log('stopping Sluice…');
      await cleanup.run();
    }
    if (want('history')) {
      const historySize = { ...size.history, runs: args.historyRuns ?? size.history.runs };
      await section('history', async () => {
        const dagFiles = Array.from({ length: historySize.dags }, (_, i) => historyDag(historyDagId(i)));
        log(`starting a Sluice for history: ${dagFiles.length} hourly DAGs…`);
        const stack = await startStack(cleanup, {
          dags: dagFiles,
          dagIds: dagFiles.map((d) => d.file.replace(/\.ts$/, '')),
          workers: 2,
          workerConcurrency: WORKER_CONCURRENCY,
          keepSchema: args.keep,
        });
        try {
          partial.history = await measureHistory(stack, historySize, log);
        } finally {
          await cleanup.run();
        }
      });
    }
    if (args.soakMs !== null) {
      const durationMs = args.soakMs;
      await section('soak', async () => {
        const dag = independentDag(SOAK.dagId, SOAK.tasksPerRun);
        const stack = await startStack(cleanup, {
          dags: [dag],
          dagIds: [SOAK.dagId],
          workers: 2,
          workerConcurrency: WORKER_CONCURRENCY,
          keepSchema: args.keep,
        });
        try {
          partial.soak = await runSoak(stack, { ...SOAK, durationMs, windowMs: 60_000 }, log);
        } finally {
          await cleanup.run();
        }
      });
    }
    if (want('loading') && size.loadFiles > 0) {
      await section('DAG loading', async () => {
        partial.loading = await measureLoading(cleanup, randomBytes(5).toString('hex'), {
          files: size.loadFiles,
          broken: 20,
          reps: size.reps,
        });
      });
    }
  } finally {
    await cleanup.run();
  }
  if (cleanup.aborted) return new Promise<number>(() => undefined); // the signal handler exits

  const head = headline(partial);
  const withHead = { ...partial, headline: head };
  const results: BenchResults = {
    ...withHead,
    durationS: (Date.now() - started) / 1000,
    checks: targetChecks(withHead),
    ...(args.quick ? { guard: quickGuard(head, partial.history) } : {}),
  };
  const outDir = path.join(repoRoot, 'bench');
  await mkdir(outDir, { recursive: true });
  const file = args.quick
    ? 'results-quick.json'
    : args.only || args.soakMs !== null
      ? 'results-partial.json'
      : 'results.json';
  await writeFile(path.join(outDir, file), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatReport(results)}\n\nwritten to bench/${file}\n`);
  if (results.guard && !results.guard.passed) return 1;
  return Object.keys(results.errors).length > 0 ? 1 : 0;
}

/** The guard: the Sluice ÷ BullMQ ratios, and history's growth when it ran. */
function quickGuard(head: ReturnType<typeof headline>, history: BenchResults['history']) {
  const guard = decideGuard({ throughputRatio: head.throughputRatio, hopRatio: head.hopRatio });
  const checks = [...guard.checks, historyGuardCheck(history)];
  return { passed: checks.every((c) => c.passed), checks };
}

main().then(
  (code) => process.exit(code),
  (raw: unknown) => {
    // After Ctrl-C the signal handler finishes the cleanup and exits 130.
    if (cleanup.aborted) return;
    process.stderr.write(`bench: ${raw instanceof Error ? (raw.stack ?? raw.message) : String(raw)}\n`);
    process.exit(1);
  },
);
