/** `sluice dags backfill …` and `sluice backfills …`: start, preview, follow, pause, resume and cancel backfills. */
import type { Backfill, BackfillBody, BackfillPreview, BackfillReprocess, IntervalAction } from '@sluice/client';
import { Option, type Command } from 'commander';
import { isoDate, positiveInt, type CommandContext } from './context';
import { parseConf } from './dags';
import { fields, json, plural, table, time } from './format';

const REPROCESS: readonly BackfillReprocess[] = ['none', 'failed', 'completed'];

type JsonOpt = { json?: boolean };
type BackfillOpts = JsonOpt & {
  from: string;
  to: string;
  reprocess?: BackfillReprocess;
  maxActiveRuns?: number;
  reverse?: boolean;
  dryRun?: boolean;
  conf?: string;
};

/** What the dry run says an interval gets. */
const ACTION_TEXT: Record<IntervalAction, string> = {
  create: 'create',
  rerun_failed: 'rerun failed tasks',
  rerun: 'rerun',
  skip_existing: 'skip (run exists)',
  skip_in_flight: 'skip (run in flight)',
};

/** `dags backfill`, on the `dags` command registerDagCommands made. */
function registerBackfillCommand(dags: Command, ctx: CommandContext): void {
  dags
    .command('backfill')
    .description('run a DAG once per interval of its schedule in a range, a few runs at a time')
    .argument('<dag>', 'DAG id')
    .requiredOption('--from <date>', 'first logical date (2026-03-01 or an ISO date-time)', isoDate)
    .requiredOption('--to <date>', 'last logical date, included', isoDate)
    .addOption(
      new Option(
        '--reprocess <what>',
        'intervals that have a run: none skips them, failed reruns failed ones, completed reruns all',
      )
        .choices(REPROCESS)
        .default('none'),
    )
    .addOption(
      new Option('--max-active-runs <n>', "runs at once (default: the DAG's maxActiveRuns)").argParser(positiveInt),
    )
    .option('--reverse', 'newest interval first')
    .option('--dry-run', 'list the intervals and what each would get; change nothing')
    .option('--conf <json>', 'run configuration for every run it creates, a JSON object')
    .option('--json', 'print the API JSON')
    .action(async (dagId: string, opts: BackfillOpts) => {
      const body: BackfillBody = { dagId, from: opts.from, to: opts.to, reverse: opts.reverse === true };
      if (opts.reprocess !== undefined) body.reprocess = opts.reprocess;
      if (opts.maxActiveRuns !== undefined) body.maxActiveRuns = opts.maxActiveRuns;
      if (opts.conf !== undefined) body.conf = parseConf(opts.conf);
      if (opts.dryRun) {
        const preview = await ctx.client.previewBackfill(body);
        ctx.out(opts.json ? json(preview) : previewText(preview));
        return;
      }
      const backfill = await ctx.client.createBackfill(body);
      ctx.out(
        opts.json
          ? json(backfill)
          : `started backfill ${backfill.id} of ${dagId}: ${plural(backfill.progress.intervals, 'interval')}, ` +
              `${backfill.maxActiveRuns} at a time (follow it with: sluice backfills show ${backfill.id})`,
      );
    });
}

export function registerBackfillCommands(program: Command, ctx: CommandContext): void {
  const dags = program.commands.find((c) => c.name() === 'dags');
  if (!dags) throw new Error('register the dags commands before the backfill commands');
  registerBackfillCommand(dags, ctx);

  const backfills = program.command('backfills').description('list, follow, pause, resume and cancel backfills');

  backfills
    .command('list')
    .description('backfills newest first, with their progress')
    .option('--dag <dag>', 'only the backfills of this DAG')
    .addOption(new Option('--limit <n>', 'how many').argParser(positiveInt))
    .option('--json', 'print the API JSON')
    .action(async (opts: JsonOpt & { dag?: string; limit?: number }) => {
      const q: { dagId?: string; limit?: number } = {};
      if (opts.dag !== undefined) q.dagId = opts.dag;
      if (opts.limit !== undefined) q.limit = opts.limit;
      const page = await ctx.client.listBackfills(q);
      if (opts.json) return ctx.out(json(page));
      ctx.out(page.items.length === 0 ? 'no backfills' : backfillsTable(page.items));
    });

  backfills
    .command('show')
    .description('a backfill and its progress')
    .argument('<id>', 'backfill id')
    .option('--json', 'print the API JSON')
    .action(async (id: string, opts: JsonOpt) => {
      const b = await ctx.client.getBackfill(id);
      ctx.out(opts.json ? json(b) : backfillText(b));
    });

  for (const [action, description] of [
    ['pause', 'create and start no more runs; running ones finish'],
    ['resume', 'go on with a paused backfill'],
    ['cancel', 'create no more runs: queued ones fail, running ones finish'],
  ] as const) {
    backfills
      .command(action)
      .description(description)
      .argument('<id>', 'backfill id')
      .option('--json', 'print the API JSON')
      .action(async (id: string, opts: JsonOpt) => {
        const b = await ctx.client.changeBackfill(id, action);
        ctx.out(opts.json ? json(b) : `backfill ${b.id} of ${b.dagId} is ${b.state}`);
      });
  }
}

function previewText(p: BackfillPreview): string {
  if (p.intervals.length === 0) return `no intervals of ${p.dagId} in the range`;
  const counts = new Map<IntervalAction, number>();
  for (const i of p.intervals) counts.set(i.action, (counts.get(i.action) ?? 0) + 1);
  const summary = [...counts].map(([a, n]) => `${n} ${ACTION_TEXT[a]}`).join(', ');
  return [
    table(
      ['LOGICAL DATE', 'ACTION', 'RUN'],
      p.intervals.map((i) => [
        i.logicalDate,
        ACTION_TEXT[i.action],
        i.runState ? `${i.runId} (${i.runState})` : i.runId,
      ]),
    ),
    `dry run: ${plural(p.intervals.length, 'interval')} of ${p.dagId}, ${p.maxActiveRuns} at a time: ${summary}; nothing was changed`,
  ].join('\n');
}

const percent = (b: Backfill): string =>
  b.progress.intervals === 0 ? '100%' : `${Math.floor((100 * b.progress.decided) / b.progress.intervals)}%`;

const runCounts = (b: Backfill): string =>
  (['queued', 'running', 'success', 'failed'] as const).map((s) => `${b.progress.runs[s]} ${s}`).join(', ');

function backfillsTable(items: Backfill[]): string {
  return table(
    ['ID', 'DAG', 'STATE', 'RANGE', 'DECIDED', 'RUNS', 'BY'],
    items.map((b) => [
      b.id,
      b.dagId,
      b.state,
      `${b.from.slice(0, 10)}..${b.to.slice(0, 10)}`,
      `${b.progress.decided}/${b.progress.intervals} (${percent(b)})`,
      runCounts(b),
      b.createdBy,
    ]),
  );
}

function backfillText(b: Backfill): string {
  return fields([
    ['id', b.id],
    ['dag', b.dagId],
    ['state', b.state],
    ['range', `${b.from} .. ${b.to}${b.reverse ? ' (newest first)' : ''}`],
    ['reprocess', b.reprocess],
    ['max active runs', String(b.maxActiveRuns)],
    ['intervals', `${b.progress.decided} of ${b.progress.intervals} decided (${percent(b)})`],
    ['runs', runCounts(b)],
    ['created', `${time(b.createdAt)} by ${b.createdBy}`],
  ]);
}
