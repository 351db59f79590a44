/**
 * `sluice users …`: user administration on the server, straight in the
 * database at $DATABASE_URL (as `airflow users` does), so the first admin can
 * be made before anyone can sign in. Passwords are read from the terminal
 * (no echo) or standard input, never from arguments; `--generate` makes one
 * and prints it once.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
// The roles module alone: the core index would load its schedule code on every start.
import { roles, type Role } from '@sluice/core/roles';
import type { UserView } from '@sluice/db';
import { UsageError, type CommandContext } from './context';
import { json, table, time } from './format';

function role(value: string): Role {
  const r = roles.find((x) => x === value);
  if (!r) throw new UsageError(`a role is viewer, operator or admin, not "${value}"`);
  return r;
}

const teamList = (value: string): string[] =>
  value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);

/** 18 random bytes as base64url: 24 characters, 144 bits. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

export function registerUserCommands(program: Command, ctx: CommandContext): void {
  const users = program
    .command('users')
    .description('manage users in the database at $DATABASE_URL (run it where the server runs)');

  users
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const items = await ctx.withUsers((u) => u.list());
      if (opts.json) return ctx.out(json({ items }));
      ctx.out(items.length === 0 ? 'no users' : usersTable(items));
    });

  users
    .command('create')
    .argument('<username>')
    .requiredOption('--role <role>', 'viewer, operator or admin')
    .option('--teams <a,b>', 'teams, for DAGs tagged team:<name>')
    .option('--email <address>')
    .option('--generate-password', 'make a password and print it once')
    .option('--no-password', 'no password: the user signs in with single sign-on only')
    .action(
      async (
        username: string,
        opts: { role: string; teams?: string; email?: string; generatePassword?: boolean; password: boolean },
      ) => {
        const r = role(opts.role);
        let password: string | undefined;
        if (opts.generatePassword) password = generatePassword();
        else if (opts.password) password = await ctx.readSecret(`Password for ${username}: `);
        const made = await ctx.withUsers((u) =>
          u.create({
            username,
            role: r,
            ...(password !== undefined ? { password } : {}),
            ...(opts.teams ? { teams: teamList(opts.teams) } : {}),
            ...(opts.email ? { email: opts.email } : {}),
          }),
        );
        ctx.out(`created ${made.username} (${made.role})`);
        if (opts.generatePassword) ctx.out(`password: ${password} (shown only now)`);
      },
    );

  users
    .command('set-role')
    .argument('<username>')
    .argument('<role>', 'viewer, operator or admin')
    .action(async (username: string, value: string) => {
      const made = await ctx.withUsers((u) => u.update(username, { role: role(value) }));
      ctx.out(`${made.username} is now ${made.role}`);
    });

  users
    .command('set-teams')
    .argument('<username>')
    .argument('<teams>', 'comma-separated; "" for none')
    .action(async (username: string, value: string) => {
      const made = await ctx.withUsers((u) => u.update(username, { teams: teamList(value) }));
      ctx.out(`${made.username} is in ${made.teams.length ? made.teams.join(', ') : 'no team'}`);
    });

  users
    .command('set-password')
    .argument('<username>')
    .option('--generate-password', 'make a password and print it once')
    .action(async (username: string, opts: { generatePassword?: boolean }) => {
      const password = opts.generatePassword
        ? generatePassword()
        : await ctx.readSecret(`New password for ${username}: `);
      await ctx.withUsers((u) => u.update(username, { password }));
      ctx.out(`password of ${username} changed; their browsers are signed out`);
      if (opts.generatePassword) ctx.out(`password: ${password} (shown only now)`);
    });

  users
    .command('delete')
    .argument('<username>')
    .action(async (username: string) => {
      await ctx.withUsers((u) => u.remove(username));
      ctx.out(`deleted ${username} with their tokens and sessions`);
    });
}

function usersTable(items: UserView[]): string {
  return table(
    ['USER', 'ROLE', 'TEAMS', 'SIGN-IN', 'LAST SIGN-IN'],
    items.map((u) => [u.username, u.role, u.teams.join(',') || '-', u.signIn, time(u.lastLoginAt?.toISOString())]),
  );
}
