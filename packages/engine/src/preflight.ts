/**
 * What every process checks before it starts: Postgres and Redis answer.
 * Each failure is one line naming the service, where it was looked for and
 * how to start it — never a stack trace. A process started while one of
 * them is briefly away (restarted during an outage) waits for it, up to
 * `waitMs`, rather than exiting: an outage is ridden out at start as it is
 * while running.
 */
import { checkDatabase, ensureDatabaseExists } from '@sluice/db';
import { checkRedis } from '@sluice/queue';

export interface PreflightOptions {
  databaseUrl: string;
  redisUrl: string;
  /** How long to keep trying before giving up (default 0: one look). */
  waitMs?: number;
  /** Told once, when the first look fails and the process starts waiting. */
  onWait?: (problems: string) => void;
}

async function problemsNow(opts: PreflightOptions): Promise<string[]> {
  await ensureDatabaseExists(opts.databaseUrl).catch(() => false);
  const problems: string[] = [];
  await checkDatabase(opts.databaseUrl).catch((err: Error) => problems.push(err.message));
  await checkRedis(opts.redisUrl).catch((err: Error) => problems.push(err.message));
  return problems;
}

export async function preflight(opts: PreflightOptions): Promise<void> {
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const problems = await problemsNow(opts);
    if (problems.length === 0) return;
    if (Date.now() + delay > deadline) throw new Error(problems.join('\n'));
    if (attempt === 1) opts.onWait?.(problems.join('\n'));
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(2_000, delay * 2);
  }
}
