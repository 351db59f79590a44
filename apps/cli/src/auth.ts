/**
 * `sluice login|logout|whoami`, `sluice tokens …` and `sluice audit list`.
 * `login` signs in with a password once, makes an API token for this machine
 * and keeps only the token (0600, see credentials.ts); SSO users paste a token
 * made in the UI with `--with-token`. Every later command sends the token, or
 * SLUICE_API_TOKEN when it is set.
 */
import os from 'node:os';
import type { Command } from 'commander';
import type { AuditEvent, ApiToken } from '@sluice/client';
import { UsageError, positiveInt, isoDate, type CommandContext } from './context';
import { dash, json, table, time } from './format';

type LoginOpts = { username?: string; withToken?: boolean; expiresDays: number; tokenName?: string };

/** A fetch that keeps the session cookie the API sets, as a browser would, for the few calls of `login`. */
function sessionFetch(): typeof fetch {
  let cookie = '';
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await globalThis.fetch(input, { ...init, headers });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('sluice_session='));
    if (set) cookie = set.split(';')[0] ?? '';
    return res;
  };
}

export function registerAuthCommands(program: Command, ctx: CommandContext): void {
  program
    .command('login')
    .description('sign in to the API and keep an API token for this machine (or store one with --with-token)')
    .option('--username <name>', 'who to sign in as (default: $USER)')
    .option('--with-token', 'read an API token (made in the UI or by `sluice tokens create`) from standard input')
    .option('--expires-days <n>', 'days until the token made for this machine expires', positiveInt, 30)
    .option('--token-name <name>', 'name of the token made for this machine (default cli-<host>-<date>)')
    .action(async (opts: LoginOpts) => {
      if (opts.withToken) {
        const token = (await ctx.readSecret('API token: ')).trim();
        if (!token) throw new UsageError('no token on standard input');
        const me = await ctx.clientWith({ token }).me();
        ctx.credentials.save(ctx.apiUrl, { token, username: me.username });
        ctx.out(`signed in to ${ctx.apiUrl} as ${me.username} (${me.role}); token saved in ${ctx.credentials.file}`);
        return;
      }
      const username = opts.username ?? ctx.env.USER ?? ctx.env.LOGNAME;
      if (!username) throw new UsageError('give --username (USER is not set)');
      const password = await ctx.readSecret(`Password for ${username} at ${ctx.apiUrl}: `);
      const fetchWithSession = sessionFetch();
      const { csrfToken } = await ctx.clientWith({ fetch: fetchWithSession }).login(username, password);
      const session = ctx.clientWith({
        fetch: fetchWithSession,
        headers: (method): Record<string, string> => (method === 'GET' ? {} : { 'x-csrf-token': csrfToken }),
      });
      const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      const host = os
        .hostname()
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .slice(0, 40);
      const made = await session.createToken({
        name: opts.tokenName ?? `cli-${host}-${day}-${Date.now().toString(36)}`,
        expiresInDays: opts.expiresDays,
      });
      await session.logout();
      ctx.credentials.save(ctx.apiUrl, { token: made.token, username: made.username, tokenId: made.id });
      ctx.out(
        `signed in to ${ctx.apiUrl} as ${made.username} (${made.role}); token ${made.name} expires ${time(made.expiresAt)}, saved in ${ctx.credentials.file}`,
      );
    });

  program
    .command('logout')
    .description('revoke the token `sluice login` made for this machine and forget it')
    .action(async () => {
      const stored = ctx.credentials.read(ctx.apiUrl);
      if (!stored) return ctx.out(`not signed in to ${ctx.apiUrl}`);
      if (stored.tokenId)
        await ctx
          .clientWith({ token: stored.token })
          .revokeToken(stored.tokenId)
          .catch(() => {});
      ctx.credentials.remove(ctx.apiUrl);
      ctx.out(`signed out of ${ctx.apiUrl}`);
    });

  program
    .command('whoami')
    .description('who the API sees: user, role, teams and how you signed in')
    .option('--json', 'print the API JSON')
    .action(async (opts: { json?: boolean }) => {
      const me = await ctx.client.me();
      if (opts.json) return ctx.out(json(me));
      const how = me.via === 'token' ? `token ${me.tokenName ?? ''}` : me.via;
      ctx.out(`${me.username} (${me.role}${me.teams.length ? `, teams ${me.teams.join(', ')}` : ''}) via ${how}`);
    });

  const tokens = program.command('tokens').description('your API tokens (an admin sees everyone’s)');
  tokens
    .command('list')
    .option('--json', 'print the API JSON')
    .action(async (opts: { json?: boolean }) => {
      const { items } = await ctx.client.listTokens();
      if (opts.json) return ctx.out(json({ items }));
      ctx.out(items.length === 0 ? 'no tokens' : tokensTable(items));
    });
  tokens
    .command('create')
    .description('make a token (for CI or a service); it is printed once')
    .argument('<name>', 'token name')
    .option('--role <role>', 'viewer, operator or admin (at most your own)')
    .option('--expires-days <n>', 'days until it expires (default: never)', positiveInt)
    .option('--user <username>', 'admins: make it for another user (a service account)')
    .action(async (name: string, opts: { role?: string; expiresDays?: number; user?: string }) => {
      if (opts.role && !['viewer', 'operator', 'admin'].includes(opts.role))
        throw new UsageError(`--role must be viewer, operator or admin, not "${opts.role}"`);
      const made = await ctx.client.createToken({
        name,
        ...(opts.role ? { role: opts.role as ApiToken['role'] } : {}),
        ...(opts.expiresDays ? { expiresInDays: opts.expiresDays } : {}),
        ...(opts.user ? { username: opts.user } : {}),
      });
      ctx.out(made.token);
      ctx.stderr.write(
        `token ${made.name} of ${made.username} (${made.role}), expires ${made.expiresAt ? time(made.expiresAt) : 'never'}: shown only now\n`,
      );
    });
  tokens
    .command('revoke')
    .argument('<id>', 'the token id (from `tokens list`)')
    .action(async (id: string) => {
      if (!/^\d+$/.test(id)) throw new UsageError(`<id> is the number \`tokens list\` shows, not "${id}"`);
      await ctx.client.revokeToken(id);
      ctx.out(`revoked token ${id}`);
    });

  program
    .command('audit')
    .description('the audit trail')
    .command('list')
    .description('audit events, newest first')
    .option('--actor <user>', 'only this user')
    .option('--action <action>', 'only this action (trigger, clear, mark_success, sign_in, token_use…)')
    .option('--dag <dagId>', 'only events about this DAG')
    .option('--since <date>', 'only events from this instant on', isoDate)
    .option('--limit <n>', 'how many', positiveInt, 50)
    .option('--json', 'print the API JSON')
    .action(
      async (opts: {
        actor?: string;
        action?: string;
        dag?: string;
        since?: string;
        limit: number;
        json?: boolean;
      }) => {
        const page = await ctx.client.listAudit({
          limit: opts.limit,
          ...(opts.actor ? { actor: opts.actor } : {}),
          ...(opts.action ? { action: opts.action } : {}),
          ...(opts.dag ? { dagId: opts.dag } : {}),
          ...(opts.since ? { since: opts.since } : {}),
        });
        if (opts.json) return ctx.out(json(page));
        ctx.out(page.items.length === 0 ? 'no audit events' : auditTable(page.items));
      },
    );
}

function tokensTable(items: ApiToken[]): string {
  return table(
    ['ID', 'USER', 'NAME', 'PREFIX', 'ROLE', 'EXPIRES', 'LAST USED', 'REVOKED'],
    items.map((t) => [
      t.id,
      t.username,
      t.name,
      `${t.prefix}…`,
      t.role,
      t.expiresAt ? time(t.expiresAt) : 'never',
      time(t.lastUsedAt),
      dash(t.revokedAt ? time(t.revokedAt) : null),
    ]),
  );
}

function auditTable(items: AuditEvent[]): string {
  return table(
    ['AT', 'ACTOR', 'ACTION', 'DAG', 'RUN', 'TASK', 'DETAILS'],
    items.map((e) => [
      time(e.at),
      e.actor,
      e.action,
      dash(e.dagId),
      dash(e.runId),
      dash(e.taskId),
      Object.keys(e.details).length ? JSON.stringify(e.details) : '-',
    ]),
  );
}
