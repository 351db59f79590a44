/**
 * `sluice connections …`: named AWS settings tasks use with
 * `connection: '<name>'`. Credentials are taken from this shell's
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (never from
 * arguments, which other users of the machine can read), and are never shown.
 */
import type { Connection, ConnectionBody } from '@sluice/client';
import type { Command } from 'commander';
import { UsageError, type CommandContext } from './context';
import { dash, json, table, time } from './format';

type SetOpts = {
  region?: string;
  roleArn?: string;
  endpoint?: string;
  description?: string;
  credentialsFromEnv?: boolean;
};

export function registerConnectionCommands(program: Command, ctx: CommandContext): void {
  const connections = program
    .command('connections')
    .description('manage named AWS connections (credentials are stored encrypted)');

  connections
    .command('list')
    .description('list connections; credentials are never shown')
    .option('--json', 'print the API JSON')
    .action(async (opts: { json?: boolean }) => {
      const { items } = await ctx.client.listConnections();
      if (opts.json) return ctx.out(json({ items }));
      ctx.out(items.length === 0 ? 'no connections' : connectionsTable(items));
    });

  connections
    .command('set')
    .description('create or replace a connection')
    .argument('<name>', 'connection name')
    .option('--region <region>', 'AWS region, e.g. eu-west-1')
    .option('--role-arn <arn>', 'IAM role to assume')
    .option('--endpoint <url>', 'service endpoint (e.g. a local emulator)')
    .option('--description <text>', 'what the connection is for')
    .option(
      '--credentials-from-env',
      'store AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from this shell',
    )
    .action(async (name: string, opts: SetOpts) => {
      const body: ConnectionBody = { kind: 'aws' };
      if (opts.region) body.region = opts.region;
      if (opts.roleArn) body.roleArn = opts.roleArn;
      if (opts.endpoint) body.endpoint = opts.endpoint;
      if (opts.description) body.description = opts.description;
      if (opts.credentialsFromEnv) {
        const id = ctx.env.AWS_ACCESS_KEY_ID;
        const secret = ctx.env.AWS_SECRET_ACCESS_KEY;
        if (!id || !secret)
          throw new UsageError('--credentials-from-env needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set');
        body.accessKeyId = id;
        body.secretAccessKey = secret;
        if (ctx.env.AWS_SESSION_TOKEN) body.sessionToken = ctx.env.AWS_SESSION_TOKEN;
      }
      const saved = await ctx.client.putConnection(name, body);
      ctx.out(`saved connection ${saved.name}${saved.hasCredentials ? ' (with credentials)' : ''}`);
    });

  connections
    .command('rotate-key')
    .description(
      're-encrypt every stored credential and variable from SLUICE_SECRET_KEY to SLUICE_NEW_SECRET_KEY (both read from this shell), in the database at DATABASE_URL; restart the API and workers with the new key after',
    )
    .action(async () => {
      const oldKey = ctx.env.SLUICE_SECRET_KEY;
      const newKey = ctx.env.SLUICE_NEW_SECRET_KEY;
      if (!oldKey) throw new UsageError('rotate-key needs the current key in SLUICE_SECRET_KEY');
      if (!newKey || newKey.length < 16)
        throw new UsageError('rotate-key needs the new key (16 characters or more) in SLUICE_NEW_SECRET_KEY');
      const { connections: n, variables: v } = await ctx.rotateSecretKey(oldKey, newKey);
      ctx.out(
        `re-encrypted ${n} connection${n === 1 ? '' : 's'} and ${v} variable${v === 1 ? '' : 's'} under the new key; restart the API and workers with SLUICE_SECRET_KEY set to it`,
      );
    });

  connections
    .command('delete')
    .description('delete a connection')
    .argument('<name>', 'connection name')
    .action(async (name: string) => {
      await ctx.client.deleteConnection(name);
      ctx.out(`deleted connection ${name}`);
    });
}

function connectionsTable(items: Connection[]): string {
  return table(
    ['NAME', 'REGION', 'ROLE', 'ENDPOINT', 'CREDENTIALS', 'UPDATED'],
    items.map((c) => [
      c.name,
      dash(c.region),
      dash(c.roleArn),
      dash(c.endpoint),
      c.hasCredentials ? 'stored' : '-',
      time(c.updatedAt),
    ]),
  );
}
