/** The request tracker against a real HTTP server that answers, fails, or never answers. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import '../test/api-server';
import {
  FAILURE_WINDOW_MS,
  RequestTimeoutError,
  SLOW_AFTER_MS,
  currentNetwork,
  fetchTracked,
  networkVerdict,
  resetNetwork,
  type NetworkSnapshot,
} from './requests';

let server: Server;
let origin = '';
const held: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') {
      held.push(() => res.end());
      return;
    }
    res.statusCode = req.url === '/boom' ? 500 : 200;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
  // Same origin, as the UI and its API are.
  window.happyDOM.setURL(`${origin}/`);
});

afterAll(async () => {
  for (const release of held) release();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => resetNetwork());

describe('fetchTracked', () => {
  it('gives up on a request unanswered within its timeout, with an error that says so, and counts it failed', async () => {
    const tracked = fetchTracked((...args) => globalThis.fetch(...args), 200);
    await expect(tracked('/hang')).rejects.toThrow(RequestTimeoutError);
    await expect(tracked('/hang')).rejects.toThrow('no answer within 0.2 s');
    const { failedLately } = networkVerdict(currentNetwork(), Date.now());
    expect(failedLately).toBe(2);
  });

  it('counts a 5xx as failed, and an answer after it as the API being back', async () => {
    const tracked = fetchTracked((...args) => globalThis.fetch(...args));
    expect((await tracked('/boom')).status).toBe(500);
    expect(networkVerdict(currentNetwork(), Date.now()).failedLately).toBe(1);
    expect((await tracked('/ok')).status).toBe(200);
    expect(networkVerdict(currentNetwork(), Date.now()).failedLately).toBe(0);
  });
});

describe('networkVerdict', () => {
  it('calls the API slow once a request has waited SLOW_AFTER_MS, and forgets failures after the window', () => {
    const now = 1_000_000;
    const s: NetworkSnapshot = {
      waitingSince: [now - SLOW_AFTER_MS + 1, now - SLOW_AFTER_MS - 500],
      failures: [now - FAILURE_WINDOW_MS - 1, now - 10],
      lastAnsweredAt: now - 1000,
    };
    expect(networkVerdict(s, now)).toEqual({ failedLately: 1, slowForMs: SLOW_AFTER_MS + 500 });
    expect(networkVerdict({ ...s, waitingSince: [now - 10] }, now).slowForMs).toBeNull();
  });
});
