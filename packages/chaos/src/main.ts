/**
 * `npm run chaos [-- --quick] [-- --runs N --tasks N --workers N --schedulers N --kills N …]`
 *
 * Starts a whole Sluice of real processes on its own Postgres database and
 * Redis database index, runs the layered shell DAG without faults (the
 * baseline) and again under faults (worker and scheduler kill -9, FLUSHDB,
 * Postgres connections killed and refused), runs the EMR/Glue scenarios on
 * the AWS emulator, prints the table of figures, writes the results as JSON
 * (--out, or docs/chaos-results.json for the full configuration) and exits
 * 1 when any invariant figure is not 0. Everything it made is removed, on
 * success, on failure and on Ctrl-C.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Cleanup, repoRoot } from '@sluice/bench';
import { parseArgs, usage, UsageError, type ChaosArgs } from './args';
import { formatReport, runSuite } from './suite';

const cleanup = new Cleanup();

function log(line: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<number> {
  let args: ChaosArgs;
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    args = parseArgs(argv);
  } catch (raw) {
    if (!(raw instanceof UsageError)) throw raw;
    process.stderr.write(`chaos: ${raw.message}\n${usage}\n`);
    return 2;
  }
  cleanup.onSignals();
  try {
    const results = await runSuite(cleanup, {
      runs: args.runs,
      tasks: args.tasks,
      workers: args.workers,
      workerConcurrency: args.concurrency,
      schedulers: args.schedulers,
      kills: args.kills,
      schedulerKill: args.schedulerKill,
      redisFlush: args.redisFlush,
      postgresOutageMs: args.postgresOutageMs,
      aws: args.aws,
      baseline: args.baseline,
      revive: args.revive,
      longTasks: args.longTasks,
      gapMs: args.gapMs,
      ...(args.settleMs !== undefined && { settleMs: args.settleMs }),
      ...(args.redisDb !== undefined && { redisDb: args.redisDb }),
      ...(args.logs !== undefined && { logDir: path.resolve(args.logs) }),
      command: `npm run chaos${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
      log,
    });
    process.stdout.write(`\n${formatReport(results)}\n`);
    const out = args.out ?? (args.quick ? undefined : path.join(repoRoot, 'docs', 'chaos-results.json'));
    if (out) {
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
      log(`results written to ${out}`);
    }
    return results.ok ? 0 : 1;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  async (raw: unknown) => {
    process.stderr.write(`chaos: ${raw instanceof Error ? (raw.stack ?? raw.message) : String(raw)}\n`);
    await cleanup.run();
    process.exit(3);
  },
);
