/**
 * A process's operations endpoint, on a port of its own: `/metrics`
 * (Prometheus text), `/healthz` (liveness: the event loop answers) and
 * `/readyz` (readiness: what the process says about its dependencies).
 * On its own port so scraping and probes need no API credentials and do
 * not share the API's listener.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** Why not, or what was checked. */
  detail: Record<string, unknown>;
}

export interface OpsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  readiness(): Promise<Readiness>;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET') return void res.writeHead(405).end();
      if (path === '/metrics') {
        const text = await opts.registry.metrics();
        res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text);
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (path === '/readyz') {
        const r = await opts.readiness();
        res
          .writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: r.ready ? 'ok' : 'not_ready', ...r.detail }));
      } else res.writeHead(404).end();
    };
    answer().catch((raw: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(raw instanceof Error ? raw.message : 'error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A dependency check as readiness and health report it: 'ok' when it answers (true, for a yes/no check), else 'down'. */
export async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  try {
    return (await check()) === false ? 'down' : 'ok';
  } catch {
    return 'down';
  }
}
