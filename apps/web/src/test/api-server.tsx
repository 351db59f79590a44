/**
 * A real HTTP server standing in for the API in UI tests: each test says
 * what a route answers, the page is moved to the server's origin, and the UI
 * reaches it through its own client and fetch, same-origin as in production.
 * Every request is recorded with its body, so a test can check what the UI
 * sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import type { Me } from '@sluice/client';
import { queryKeys } from '../api';

const LOCAL_ADMIN: Me = { username: 'local', role: 'admin', teams: [], via: 'local', csrfToken: null };

declare global {
  interface Window {
    /** happy-dom's handle on the page, to move it to the test server's origin. */
    happyDOM: { setURL(url: string): void };
  }
}

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
}

type Handler = (req: Recorded) => Reply;

export interface ApiServer {
  origin: string;
  requests: Recorded[];
  /** What `METHOD /api/v1/path` answers from now on (a fixed reply or one computed per request). */
  on(method: string, path: string, reply: Reply | Handler): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** Starts the server on a free port and points the page at it. */
export async function startApiServer(): Promise<ApiServer> {
  const routes = new Map<string, Handler>();
  // As the API answers with sign-in off: everyone is the local admin. A test may answer otherwise.
  routes.set('GET /api/v1/auth/me', () => ({ body: LOCAL_ADMIN }));
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body: await readBody(req),
      };
      requests.push(recorded);
      const handler = routes.get(`${recorded.method} ${recorded.path}`);
      const reply: Reply = handler
        ? handler(recorded)
        : {
            status: 404,
            body: { error: { code: 'not_found', message: `no route ${recorded.method} ${recorded.path}` } },
          };
      res.statusCode = reply.status ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test API server has no port');
  const origin = `http://127.0.0.1:${address.port}`;
  window.happyDOM.setURL(`${origin}/`);
  return {
    origin,
    requests,
    on(method, path, reply) {
      routes.set(`${method} /api/v1${path}`, typeof reply === 'function' ? reply : () => reply);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The providers main.tsx wraps the app in, with retries off so an error shows at once. */
export function Providers({ children, path = '/', me = LOCAL_ADMIN }: { children: ReactNode; path?: string; me?: Me }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  // By default signed in as the API with sign-in off answers: the local admin, so every action is offered.
  client.setQueryData(queryKeys.me(), me);
  return (
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>{children}</MemoryRouter>
    </QueryClientProvider>
  );
}
