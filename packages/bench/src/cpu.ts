/**
 * CPU time per process kind, read from /proc: what a section's work cost
 * each part of the system (Sluice's processes, Postgres' backends, Redis),
 * to divide by the task instances it ran. Linux only; elsewhere it reads
 * nothing and the figures are left out.
 */
import { readFile, readdir } from 'node:fs/promises';

export type CpuKind = 'postgres' | 'redis' | 'scheduler' | 'api' | 'worker' | 'bench';

/** Which kind a process is, from its command line; null for the rest of the machine. */
export function kindOf(cmdline: string, benchPid: number, pid: number): CpuKind | null {
  if (pid === benchPid) return 'bench';
  if (/(^|\/)postgres(:|\s|$)/.test(cmdline) || cmdline.startsWith('postgres:')) return 'postgres';
  if (/redis-server/.test(cmdline)) return 'redis';
  for (const app of ['scheduler', 'api', 'worker'] as const)
    if (cmdline.includes(`apps/${app}/src/main.ts`)) return app;
  return null;
}

/** User + system CPU seconds so far, per kind, over every process alive now. */
export async function cpuByKind(): Promise<Map<CpuKind, number>> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const totals = new Map<CpuKind, number>();
  const pids = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    pids
      .filter((p) => /^\d+$/.test(p))
      .map(async (p) => {
        try {
          const [stat, cmd] = await Promise.all([
            readFile(`/proc/${p}/stat`, 'utf8'),
            readFile(`/proc/${p}/cmdline`, 'utf8'),
          ]);
          const kind = kindOf(cmd.replaceAll('\0', ' ').trim(), process.pid, Number(p));
          if (kind === null) return;
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          const ticks = Number(fields[11]) + Number(fields[12]);
          totals.set(kind, (totals.get(kind) ?? 0) + ticks / ticksPerSecond);
        } catch {
          // gone meanwhile
        }
      }),
  );
  return totals;
}

/**
 * CPU µs per unit of work between two readings, per kind. A process that
 * ended between them (a worker stopped) is missing from `after` and counted
 * only up to `before`, so readings are taken around work whose processes live
 * through it.
 */
export function cpuPerUnitUs(
  before: Map<CpuKind, number>,
  after: Map<CpuKind, number>,
  units: number,
): Partial<Record<CpuKind, number>> {
  const out: Partial<Record<CpuKind, number>> = {};
  if (units <= 0) return out;
  for (const [kind, s] of after) out[kind] = Math.round((Math.max(0, s - (before.get(kind) ?? 0)) * 1e6) / units);
  return out;
}
