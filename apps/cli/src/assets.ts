/** `sluice assets …`: assets, their producers and consumers, their events, and posting an event from outside. */
import type { AssetDetail, AssetEvent, AssetSummary } from '@sluice/client';
import { assetUriProblem } from '@sluice/core/assets';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError, type CommandContext } from './context';
import { fields, json, table, time } from './format';

/** An asset URI argument: refused before any request when it cannot name an asset. */
function assetUri(value: string): string {
  const problem = assetUriProblem(value);
  if (problem !== null) throw new InvalidArgumentError(`the asset URI ${problem}`);
  return value;
}

function count(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number, 1 or more');
  return Number(value);
}

/** `--extra '{"partition":"2026-12-01"}'`: a JSON object. */
export function parseExtra(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new UsageError(`--extra is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('--extra must be a JSON object, e.g. --extra \'{"partition":"2026-12-01"}\'');
  return { ...value };
}

/** Who or what recorded an event: `producer.load (run manual__…, try 1)` or `by alice`. */
export function eventSource(e: AssetEvent): string {
  const s = e.source;
  if (s.kind === 'external') return `by ${s.actor}`;
  return `${s.dagId}.${s.taskId} (run ${s.runId ?? 'removed'}, try ${s.tryNumber})`;
}

export function registerAssetCommands(program: Command, ctx: CommandContext): void {
  const assets = program
    .command('assets')
    .description('list assets, show one with its producers, consumers and events, post an event');

  assets
    .command('list')
    .description('list assets with the DAGs that update and wait on them, and their last event')
    .option('--prefix <uri>', 'only URIs starting with this')
    .option('--json', 'print the API JSON')
    .action(async (opts: { prefix?: string; json?: boolean }) => {
      const items: AssetSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await ctx.client.listAssets({
          limit: 500,
          ...(cursor ? { cursor } : {}),
          ...(opts.prefix ? { prefix: opts.prefix } : {}),
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (opts.json) return ctx.out(json({ items }));
      ctx.out(items.length === 0 ? 'no assets' : assetsTable(items));
    });

  assets
    .command('show')
    .description('show an asset: the tasks that update it, the DAGs waiting on it, its recent events')
    .argument('<uri>', 'asset URI, e.g. s3://lake/events/', assetUri)
    .option('--events <n>', 'how many recent events (default 25)', count)
    .option('--json', 'print the API JSON')
    .action(async (uri: string, opts: { events?: number; json?: boolean }) => {
      const asset = await ctx.client.getAsset(uri, opts.events === undefined ? {} : { limit: opts.events });
      ctx.out(opts.json ? json(asset) : assetDetail(asset));
    });

  assets
    .command('event')
    .description('record an update of an asset made outside Sluice; the DAGs scheduled on it run')
    .argument('<uri>', 'asset URI', assetUri)
    .option('--extra <json>', 'what the update was, a JSON object (a partition, a row count)')
    .option('--json', 'print the API JSON')
    .action(async (uri: string, opts: { extra?: string; json?: boolean }) => {
      const extra = opts.extra === undefined ? undefined : parseExtra(opts.extra);
      const posted = await ctx.client.postAssetEvent({ uri, ...(extra ? { extra } : {}) });
      if (opts.json) return ctx.out(json(posted));
      const to = posted.queuedFor.length === 0 ? 'no DAG waits on it' : `queued for ${posted.queuedFor.join(', ')}`;
      ctx.out(`recorded event ${posted.event.id} on ${uri}: ${to}`);
    });
}

function assetsTable(items: AssetSummary[]): string {
  return table(
    ['URI', 'UPDATED BY', 'WAITED ON BY', 'LAST EVENT'],
    items.map((a) => [
      a.uri,
      a.producers.map((p) => `${p.dagId}.${p.taskId}`).join(', ') || '-',
      a.consumers.join(', ') || '-',
      a.lastEvent ? `${time(a.lastEvent.createdAt)} ${eventSource(a.lastEvent)}` : '-',
    ]),
  );
}

function assetDetail(a: AssetDetail): string {
  const head = fields([
    ['asset', a.uri],
    ['updated by', a.producers.map((p) => `${p.dagId}.${p.taskId}`).join(', ') || '-'],
    ['waited on by', a.consumers.map((c) => `${c.dagId} (${c.queuedEvents} queued)`).join(', ') || '-'],
  ]);
  const events =
    a.events.length === 0
      ? 'no events yet\n'
      : table(
          ['TIME', 'SOURCE', 'EXTRA', 'TRIGGERED'],
          a.events.map((e) => [
            time(e.createdAt),
            eventSource(e),
            JSON.stringify(e.extra),
            e.triggeredRuns.map((r) => `${r.dagId}/${r.runId}`).join(', ') || '-',
          ]),
        );
  return `${head}\nrecent events:\n${events}`;
}
