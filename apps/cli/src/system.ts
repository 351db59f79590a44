/** Commands that work on this machine rather than through the API: migrate the database, start Sluice. */
import type { Command } from 'commander';
import type { CommandContext } from './context';

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

  program
    .command('start')
    .description(
      'migrate, then run the API, scheduler and a worker (and the local AWS emulator when no AWS is configured) until Ctrl-C',
    )
    .action(async () => {
      await ctx.start();
    });
}
