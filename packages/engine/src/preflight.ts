/**
 * What every process checks before it starts: Postgres and Redis answer.
 * Each failure is one line naming the service, where it was looked for and
 * how to start it — never a stack trace.
 */
import { checkDatabase, ensureDatabaseExists } from '@sluice/db';
import { checkRedis } from '@sluice/queue';

export async function preflight(opts: { databaseUrl: string; redisUrl: string }): Promise<void> {
  await ensureDatabaseExists(opts.databaseUrl).catch(() => false);
  const problems: string[] = [];
  await checkDatabase(opts.databaseUrl).catch((err: Error) => problems.push(err.message));
  await checkRedis(opts.redisUrl).catch((err: Error) => problems.push(err.message));
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
