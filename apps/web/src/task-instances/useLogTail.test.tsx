/** Following a try's log against a real HTTP server answering the logs route. */
import { renderHook, waitFor } from '@testing-library/react';
import type { LogLine, TaskLog } from '@sluice/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer, type Recorded } from '../test/api-server';
import { useLogTail } from './useLogTail';

let server: ApiServer;
const LOGS = '/dags/etl/runs/r1/tasks/extract/logs';

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

const line = (seq: number): LogLine => ({ seq, stream: 'stdout', at: '2026-03-01T12:00:00.000Z', text: `line ${seq}` });
const lines = (from: number, count: number): LogLine[] => Array.from({ length: count }, (_, i) => line(from + i));
const logRequests = (): Recorded[] => server.requests.filter((r) => r.path === `/api/v1${LOGS}`);

function follow(enabled = true) {
  return renderHook(() => useLogTail({ dagId: 'etl', runId: 'r1', taskId: 'extract', tryNumber: 2, enabled }), {
    wrapper: Providers,
  });
}

describe('useLogTail', () => {
  it('reads a long log page by page, asking after the last line it has, until the try is complete', async () => {
    const pages: TaskLog[] = [
      { tryNumber: 2, lines: lines(1, 1000), nextSeq: 1000, complete: false },
      { tryNumber: 2, lines: lines(1001, 3), nextSeq: 1003, complete: true },
    ];
    server.on('GET', LOGS, () => ({ body: pages.shift() }));
    const { result } = follow();
    await waitFor(() => expect(result.current.complete).toBe(true));
    expect(result.current.lines).toHaveLength(1003);
    expect(result.current.lines.at(-1)?.text).toBe('line 1003');
    expect(result.current).toMatchObject({ tryNumber: 2, loading: false, error: null });
    const asked = logRequests().map((r) => Object.fromEntries(r.query));
    expect(asked).toEqual([
      { try: '2', limit: '1000' },
      { try: '2', after: '1000', limit: '1000' },
    ]);
  });

  it('keeps polling a running try and appends only new lines', async () => {
    const pages: TaskLog[] = [
      { tryNumber: 2, lines: lines(1, 2), nextSeq: 2, complete: false },
      { tryNumber: 2, lines: [], nextSeq: 2, complete: false },
      { tryNumber: 2, lines: lines(3, 1), nextSeq: 3, complete: true },
    ];
    server.on('GET', LOGS, () => ({ body: pages.shift() }));
    const { result } = follow();
    await waitFor(() => expect(result.current.lines).toHaveLength(2));
    expect(result.current.complete).toBe(false);
    await waitFor(() => expect(result.current.complete).toBe(true), { timeout: 10_000 });
    expect(result.current.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(logRequests().map((r) => r.query.get('after'))).toEqual([null, '2', '2']);
  });

  it('shows an error and keeps the lines it had', async () => {
    server.on('GET', LOGS, { status: 404, body: { error: { code: 'not_found', message: 'no try 2 of extract' } } });
    const { result } = follow();
    await waitFor(() => expect(result.current.error).toBe('no try 2 of extract'));
    expect(result.current).toMatchObject({ lines: [], loading: false, complete: false });
  });

  it('asks nothing while disabled, and is not loading: a task with no try has no log to wait for', async () => {
    server.on('GET', '/health', { body: {} });
    const { result } = follow(false);
    // A request the hook made would reach the server before this one, on the same origin.
    await fetch('/api/v1/health');
    expect(logRequests()).toEqual([]);
    expect(result.current).toEqual({ lines: [], tryNumber: null, complete: false, loading: false, error: null });
  });
});
