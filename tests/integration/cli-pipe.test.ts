/**
 * The `sluice` process when a shell pipeline closes its output early
 * (`sluice tasks logs … | head`): it ends quietly with exit 0 instead of an
 * EPIPE stack trace. The API here is a local HTTP server answering every
 * log request with a full page, so the command never runs out of lines.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './harness';

let server: http.Server;
let apiUrl: string;
beforeAll(async () => {
  let seq = 0;
  server = http.createServer((_req, res) => {
    const lines = Array.from({ length: 1000 }, () => ({
      seq: ++seq,
      stream: 'stdout',
      at: '2026-12-06T00:00:00.000Z',
      text: `line ${seq} ${'x'.repeat(80)}`,
    }));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ tryNumber: 1, lines, nextSeq: seq, complete: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

describe('the sluice process in a pipeline', () => {
  it('exits 0 without an EPIPE stack when its reader closes the pipe', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'apps/cli/src/main.ts'), 'tasks', 'logs', 'd', 'r', 't'],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', SLUICE_API_URL: apiUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // Read one chunk, then close our end, as `head -1` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});
