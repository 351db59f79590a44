/**
 * The chaos suite end to end: a Sluice of real processes on its own
 * database and Redis index, a fault-free baseline of the layered shell DAG,
 * the same workload under faults, the EMR/Glue scenarios, then the checks.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAwsEmulator, type AwsEmulator } from '@sluice/aws-emulator';
import type { Cleanup, DagFile } from '@sluice/bench';
import { runAwsScenarios, type AwsResults } from './aws';
import { Cluster } from './cluster';
import { awsDagFiles, awsDagIds, isLongTask, LAYERED_DAG_ID, layeredShellDag, shapeFor } from './dag';
import { planFaults, poll, runFaults, type FaultKind } from './faults';
import { analyseLedger, parseLedger } from './ledger';
import { formatReport, invariantsOf, type ChaosConfig, type ChaosResults } from './report';
import { openTries, runStates, trigger, unfinishedTasks, waitForRuns, type RunsOutcome, type TaskView } from './runs';

export interface SuiteOptions {
  runs: number;
  tasks: number;
  workers: number;
  workerConcurrency: number;
  schedulers: number;
  kills: number;
  schedulerKill: boolean;
  redisFlush: boolean;
  /** 0: no Postgres outage. */
  postgresOutageMs: number;
  aws: boolean;
  baseline: boolean;
  /** The first task of every layer sleeps 7–9 s instead of 0.1–0.9 s. */
  longTasks?: boolean;
  /** Bound on how long runs may take to end after the faults ended (and for the baseline); default from the baseline. */
  settleMs?: number;
  /** The faults in this order instead of planFaults' (kills, schedulerKill, redisFlush and postgresOutageMs then only size the outage). */
  plan?: FaultKind[];
  /** Pause between two faults. */
  gapMs: number;
  redisDb?: number;
  /** Start a new process at once in place of one that exited by itself (the death still counts). */
  revive?: boolean;
  /** Keep the processes' logs in this folder. */
  logDir?: string;
  command: string;
  log: (line: string) => void;
}

const runIds = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, '0')}`);

async function triggerAll(cluster: Cluster, ids: readonly string[]): Promise<number> {
  const since = Date.now();
  for (const id of ids) await trigger(cluster, LAYERED_DAG_ID, id);
  return since;
}

/** Live pids among `pids` whose command line names the ledger (task shells of this suite, nothing else). */
async function liveShells(pids: Iterable<number>, ledgerPath: string): Promise<number[]> {
  const live: number[] = [];
  for (const pid of pids) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(ledgerPath)) live.push(pid);
  }
  return live;
}

/** Kills task shells of this suite still alive (their process group: the shell and its sleep); returns how many. */
async function killShells(ledgerPath: string): Promise<number> {
  const text = await readFile(ledgerPath, 'utf8').catch(() => '');
  const pids = new Set(parseLedger(text).entries.map((e) => e.pid));
  const live = await liveShells(pids, ledgerPath);
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Ended meanwhile.
    }
  }
  return live.length;
}

export async function runSuite(cleanup: Cleanup, o: SuiteOptions): Promise<ChaosResults> {
  const shape = shapeFor(o.tasks);
  const machine = { cores: os.cpus().length, node: process.version, loadAverage1m: os.loadavg()[0] ?? 0 };
  const work = path.join(os.tmpdir(), `sluice-chaos-${randomBytes(4).toString('hex')}`);
  await mkdir(work, { recursive: true });
  cleanup.add(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
  const ledgerPath = path.join(work, 'ledger.txt');
  await writeFile(ledgerPath, '');
  cleanup.add('kill task shells still running', async () => {
    await killShells(ledgerPath);
  });

  let aws: AwsEmulator | null = null;
  const dags: DagFile[] = [layeredShellDag(shape, ledgerPath, o.longTasks ?? false)];
  const dagIds = [LAYERED_DAG_ID];
  const env: Record<string, string> = {};
  if (o.aws) {
    const emulator = await startAwsEmulator({
      port: 0,
      durations: { clusterStartMs: 300, stepRunMs: 500, jobStartMs: 50, jobRunMs: 500 },
    });
    aws = emulator;
    cleanup.add('stop the AWS emulator', () => emulator.close());
    Object.assign(env, {
      AWS_ENDPOINT_URL: emulator.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    dags.push(...awsDagFiles());
    dagIds.push(...Object.values(awsDagIds));
  }

  o.log(`starting ${o.schedulers} schedulers, ${o.workers} workers and the API`);
  const cluster = await Cluster.start(cleanup, {
    schedulers: o.schedulers,
    workers: o.workers,
    workerConcurrency: o.workerConcurrency,
    dags,
    dagIds,
    env,
    log: o.log,
    ...(o.logDir !== undefined && { logDir: o.logDir }),
    ...(o.redisDb !== undefined && { redisDb: o.redisDb }),
    ...(o.revive !== undefined && { revive: o.revive }),
  });
  o.log(
    `database ${cluster.dbName}, Redis db ${cluster.redisDb}, prefix ${cluster.prefix}, API ${cluster.apiUrl}, ledger ${ledgerPath}`,
  );

  let baseline: RunsOutcome | null = null;
  let settleMs = o.settleMs ?? 180_000;
  if (o.baseline) {
    const ids = runIds('base', o.runs);
    o.log(`baseline: ${ids.length} runs without faults`);
    const since = await triggerAll(cluster, ids);
    baseline = await waitForRuns(cluster, LAYERED_DAG_ID, ids, since, settleMs);
    o.log(
      `baseline: ${baseline.success} success, ${baseline.failed} failed, ${baseline.stuck} stuck in ${(baseline.ms / 1000).toFixed(1)} s`,
    );
    if (o.settleMs === undefined) settleMs = Math.max(60_000, Math.round(1.5 * baseline.ms));
  }

  const ids = runIds('chaos', o.runs);
  const plan =
    o.plan ??
    planFaults({
      workerKills: o.kills,
      schedulerKill: o.schedulerKill,
      redisFlush: o.redisFlush,
      postgresOutage: o.postgresOutageMs > 0,
    });
  o.log(`chaos: ${ids.length} runs, faults: ${plan.join(', ') || 'none'}`);
  const since = await triggerAll(cluster, ids);
  const busy = async () => {
    const states = await runStates(cluster, LAYERED_DAG_ID, ids);
    return ids.some((id) => states.get(id) !== 'success' && states.get(id) !== 'failed');
  };
  const faults = await runFaults(
    {
      cluster,
      phaseStart: since,
      busy,
      postgresOutageMs: o.postgresOutageMs,
      isLong: (t) => (o.longTasks ?? false) && isLongTask(t),
      log: o.log,
    },
    plan,
    o.gapMs,
  );
  o.log(
    `faults over after ${((Date.now() - since) / 1000).toFixed(1)} s; waiting up to ${(settleMs / 1000).toFixed(0)} s for the runs to end`,
  );
  const outcome = await waitForRuns(cluster, LAYERED_DAG_ID, ids, since, settleMs);
  const stuckTasks: TaskView[] = [
    ...(baseline && baseline.stuck > 0
      ? await unfinishedTasks(cluster, LAYERED_DAG_ID, baseline.stuckRuns).catch(() => [])
      : []),
    ...(outcome.stuck > 0 ? await unfinishedTasks(cluster, LAYERED_DAG_ID, outcome.stuckRuns).catch(() => []) : []),
  ];
  o.log(
    `chaos: ${outcome.success} success, ${outcome.failed} failed, ${outcome.stuck} stuck in ${(outcome.ms / 1000).toFixed(1)} s`,
  );

  let awsResults: AwsResults | null = null;
  if (aws) {
    const revived = cluster.revive();
    if (revived.length > 0) {
      o.log(
        `started ${revived.join(', ')} in place of processes that exited by themselves, for the EMR/Glue scenarios`,
      );
      await cluster
        .waitForWorkers(o.workers, 120_000, false)
        .catch((raw: unknown) => o.log(`workers not all back: ${raw instanceof Error ? raw.message : String(raw)}`));
    }
    o.log('EMR/Glue scenarios');
    awsResults = await runAwsScenarios(cluster, aws, o.log);
  }

  // Task shells orphaned by a killed worker finish on their own within a second: wait for them (bounded), then kill what is left.
  const ledgerText = async () => readFile(ledgerPath, 'utf8');
  await poll(
    15_000,
    async () => {
      const unended = analyseLedger(parseLedger(await ledgerText()).entries).unended.map((x) => x.pid);
      return (await liveShells(unended, ledgerPath)).length === 0 ? true : undefined;
    },
    200,
  );
  const parsed = parseLedger(await ledgerText());
  const alive = new Set(await liveShells(new Set(parsed.entries.map((e) => e.pid)), ledgerPath));
  const findings = analyseLedger(parsed.entries, alive);
  const orphansKilled = await killShells(ledgerPath);
  const open = await openTries(cluster);

  const partial: Omit<ChaosResults, 'invariants' | 'ok'> = {
    date: new Date().toISOString(),
    command: o.command,
    machine,
    config: {
      runs: o.runs,
      tasks: shape.layers * shape.width,
      layers: shape.layers,
      width: shape.width,
      workers: o.workers,
      workerConcurrency: o.workerConcurrency,
      schedulers: o.schedulers,
      kills: o.kills,
      schedulerKill: o.schedulerKill,
      redisFlush: o.redisFlush,
      postgresOutageMs: o.postgresOutageMs,
      aws: o.aws,
      baseline: o.baseline,
      settleMs,
      revive: o.revive ?? false,
      longTasks: o.longTasks ?? false,
    } satisfies ChaosConfig,
    baseline,
    stuckTasks,
    chaos: { ...outcome, faults, faultsPlanned: plan.length, faultsInjected: faults.filter((f) => f.injected).length },
    aws: awsResults,
    ledger: {
      executions: findings.executions,
      tries: findings.tries,
      duplicated: findings.duplicated.length,
      overlaps: findings.overlaps.length,
      unended: findings.unended.length,
      malformed: parsed.malformed.length,
      examples: {
        duplicated: findings.duplicated.slice(0, 10),
        overlaps: findings.overlaps.slice(0, 10).map(({ a, b }) => ({ a, b })),
      },
    },
    openTries: { count: open.length, examples: open.slice(0, 10) },
    deaths: cluster.deaths.map((d) => ({ ...d, outputTail: d.outputTail.slice(-1500) })),
    restarts: cluster.restarts,
    revived: cluster.revived,
    orphansKilled,
  };
  const invariants = invariantsOf(partial);
  return { ...partial, invariants, ok: invariants.every((i) => i.value === 0) };
}

export { formatReport };
