/** Commands that work on this machine rather than through the API: migrate the database, start Sluice. */
// The ids module alone: core's index would load the timetable code (luxon, cron-parser) at every start.
import { DEFAULT_QUEUE, idHint, idPattern } from '@sluice/core/ids';
import { parseS3Url, type S3Location } from '@sluice/remote-logs/s3-url';
import { type Command, InvalidArgumentError } from 'commander';
import { type CommandContext, type CleanSummary, dateOrAge, positiveInt } from './context';

/** `--archive-logs`: `s3://bucket/optional/prefix`. */
function s3Location(value: string): S3Location {
  try {
    return parseS3Url(value);
  } catch {
    throw new InvalidArgumentError('expected s3://bucket/prefix');
  }
}

/** `--queues`: queue names as a task's `queue` option takes them. */
function queueNames(value: string): string[] {
  const names = value.split(',').map((q) => q.trim());
  const bad = names.find((q) => !idPattern.test(q));
  if (bad !== undefined) throw new InvalidArgumentError(`queue ${JSON.stringify(bad)} is invalid: ${idHint}`);
  return names;
}

function describeCounts(c: CleanSummary): string {
  const parts: Array<[number, string]> = [
    [c.runs, 'run'],
    [c.taskInstances, 'task instance'],
    [c.tries, 'try'],
    [c.logLines, 'log line'],
    [c.outputs, 'output'],
    [c.callbacks, 'callback'],
    [c.backfills, 'backfill'],
    [c.auditEvents, 'audit row'],
    [c.assetEvents, 'asset event'],
  ];
  return parts
    .map(([n, what]) => `${n} ${what === 'try' && n !== 1 ? 'tries' : `${what}${n === 1 ? '' : 's'}`}`)
    .join(', ');
}

export function registerSystemCommands(program: Command, ctx: CommandContext): void {
  const db = program.command('db').description('manage the Sluice database');
  db.command('migrate')
    .description('apply pending migrations to $DATABASE_URL')
    .action(async () => {
      const { applied } = await ctx.migrateDb();
      if (applied.length === 0) {
        ctx.out('database is up to date');
        return;
      }
      for (const name of applied) ctx.out(`applied ${name}`);
      ctx.out(`applied ${applied.length} migration${applied.length === 1 ? '' : 's'}`);
    });

  db.command('clean')
    .description(
      'delete finished runs (with their task instances, tries, logs, outputs and callbacks) and audit rows older than --before, in batches, from $DATABASE_URL',
    )
    .requiredOption('--before <date|age>', 'an ISO date, or an age such as 90d, 12h, 2w', (v) => dateOrAge(v))
    .option('--dags <ids>', 'only these DAGs (comma-separated)')
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .option('--batch-size <n>', 'runs deleted per transaction', positiveInt, 10)
    .option('--archive-logs <s3url>', 'write task logs to s3://bucket/prefix before deleting them', s3Location)
    .action(
      async (o: { before: Date; dags?: string; dryRun?: boolean; batchSize: number; archiveLogs?: S3Location }) => {
        const dagIds = o.dags
          ? o.dags
              .split(',')
              .map((d) => d.trim())
              .filter((d) => d !== '')
          : null;
        const counts = await ctx.cleanDb({
          before: o.before,
          dagIds,
          dryRun: o.dryRun === true,
          batchRuns: o.batchSize,
          archiveLogs: o.archiveLogs ?? null,
        });
        const scope = dagIds ? ` of ${dagIds.join(', ')}` : '';
        const archived =
          o.archiveLogs && !o.dryRun ? `; logs archived to s3://${o.archiveLogs.bucket}/${o.archiveLogs.prefix}` : '';
        ctx.out(
          `${o.dryRun ? 'would delete' : 'deleted'} ${describeCounts(counts)}${scope} from before ${o.before.toISOString()}${archived}`,
        );
      },
    );

  program
    .command('start')
    .description(
      'migrate, then run the API, scheduler and a worker (and the local AWS emulator when no AWS is configured) until Ctrl-C',
    )
    .action(async () => {
      await ctx.start();
    });

  program
    .command('worker')
    .description('run one worker that serves only the given queues (SLUICE_WORKER_QUEUES), until Ctrl-C')
    .option('--queues <names>', 'comma-separated worker queues, e.g. default,heavy', queueNames, [DEFAULT_QUEUE])
    .action(async (opts: { queues: string[] }) => {
      await ctx.startWorker(opts.queues);
    });
}
