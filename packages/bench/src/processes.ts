/**
 * Sluice's own apps started as separate processes, as in production
 * (`node --import tsx apps/<app>/src/main.ts`), and their memory read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface AppProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** The last few KB it wrote, for error messages. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startApp(
  name: string,
  app: 'scheduler' | 'worker' | 'api',
  env: Record<string, string>,
  extraNodeArgs: string[] = [],
): AppProcess {
  const script = path.join(repoRoot, 'apps', app, 'src', 'main.ts');
  const child = spawn(process.execPath, [...extraNodeArgs, '--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    name,
    pid: child.pid,
    child,
    exited,
    outputTail: () => tail,
    async stop(graceMs = 10_000) {
      if (done) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface Memory {
  /** Resident set now, MB. */
  rssMb: number;
  /** Peak resident set over the process's life (VmHWM), MB. */
  peakRssMb: number;
}

/** Reads VmRSS and VmHWM of a Linux process; null when it is gone or /proc is missing. */
export async function readMemory(pid: number): Promise<Memory | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    if (!Number.isFinite(rss) || !Number.isFinite(hwm)) return null;
    return { rssMb: rss / 1024, peakRssMb: hwm / 1024 };
  } catch {
    return null;
  }
}

/** Samples processes' memory every `everyMs` until stopped; keeps each one's largest RSS. */
export function sampleMemory(pids: Record<string, number>, everyMs = 250): { stop(): Promise<Record<string, number>> } {
  const peak: Record<string, number> = {};
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const [name, pid] of Object.entries(pids)) {
        const m = await readMemory(pid);
        if (m) peak[name] = Math.max(peak[name] ?? 0, m.rssMb);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return peak;
    },
  };
}
