/** `sluice pools …`: slots shared by tasks across DAGs, and how many their tasks hold. */
import type { Pool, PoolBody } from '@sluice/client';
import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from './context';
import { dash, json, table } from './format';

/** Slots: 0 (the pool's tasks wait) or more. */
function slotCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of slots, 0 or more');
  return Number(value);
}

export function registerPoolCommands(program: Command, ctx: CommandContext): void {
  const pools = program.command('pools').description('list, size and delete pools (slots shared by tasks across DAGs)');

  pools
    .command('list')
    .description('list pools with their slots and the slots their tasks hold')
    .option('--json', 'print the API JSON')
    .action(async (opts: { json?: boolean }) => {
      const { items } = await ctx.client.listPools();
      if (opts.json) return ctx.out(json({ items }));
      ctx.out(items.length === 0 ? 'no pools' : poolsTable(items));
    });

  pools
    .command('set')
    .description('create a pool or change its slots')
    .argument('<name>', 'pool name, as tasks name it in their pool option')
    .argument('<slots>', 'slots its tasks may hold at once', slotCount)
    .option('--description <text>', 'what the pool is for')
    .action(async (name: string, slots: number, opts: { description?: string }) => {
      const body: PoolBody = { slots };
      if (opts.description !== undefined) body.description = opts.description;
      const saved = await ctx.client.putPool(name, body);
      ctx.out(`pool ${saved.name}: ${saved.slots} slots (${saved.running} running, ${saved.queued} queued)`);
    });

  pools
    .command('delete')
    .description('delete a pool: its tasks are no longer limited')
    .argument('<name>', 'pool name')
    .action(async (name: string) => {
      await ctx.client.deletePool(name);
      ctx.out(`deleted pool ${name}`);
    });
}

function poolsTable(items: Pool[]): string {
  return table(
    ['POOL', 'SLOTS', 'RUNNING', 'QUEUED', 'FREE', 'DESCRIPTION'],
    items.map((p) => [
      p.name,
      String(p.slots),
      String(p.running),
      String(p.queued),
      String(p.free),
      dash(p.description),
    ]),
  );
}
