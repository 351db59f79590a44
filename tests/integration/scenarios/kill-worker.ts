/**
 * Scenario support: a worker in a child process that talks to the AWS
 * emulator through a proxy in the test process, which SIGKILLs it the
 * moment the emulator has answered a chosen operation, before the answer
 * reaches it. The worker dies knowing nothing of what it started: exactly
 * the gap between "AWS accepted the call" and "the worker wrote it down".
 */
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { repoRoot, type Harness } from '../harness';

export interface DoomedWorker {
  /** Whether the worker was killed and has exited. */
  isKilled(): boolean;
  close(): Promise<void>;
}

const readAll = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export interface ChildWorker {
  /** SIGKILL, and wait for the process to exit. */
  kill(): Promise<void>;
}

/** A worker in a child process, on the harness's database and queue, heartbeating every 200 ms. */
export function startChildWorker(h: Harness, env: Record<string, string> = {}): ChildWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/worker/src/main.ts')], {
    env: { ...process.env, ...h.env, SLUICE_HEARTBEAT_INTERVAL_MS: '200', SLUICE_LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts a worker that is killed as soon as the emulator at `awsUrl` answers `operation` (e.g. `RunJobFlow`) with 200. */
export async function startWorkerKilledOnAnswer(h: Harness, awsUrl: string, operation: string): Promise<DoomedWorker> {
  const upstream = new URL(awsUrl);
  let child: ChildWorker | null = null;
  let killed = false;
  const proxy = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const target = req.headers['x-amz-target'];
      const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
        (resolve, reject) => {
          const out = httpRequest(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: req.method,
              path: req.url,
              headers: { ...req.headers, host: upstream.host },
            },
            (r) =>
              void readAll(r).then(
                (b) => resolve({ status: r.statusCode ?? 500, headers: r.headers, body: b }),
                reject,
              ),
          );
          out.on('error', reject);
          out.end(body);
        },
      );
      if (child !== null && answer.status === 200 && typeof target === 'string' && target.endsWith(`.${operation}`)) {
        const doomed = child;
        child = null;
        await doomed.kill();
        killed = true;
        res.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  const spawned = startChildWorker(h, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
  child = spawned;
  return {
    isKilled: () => killed,
    async close() {
      if (child !== null) await child.kill();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
