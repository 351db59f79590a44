import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeClient, runWith } from './testing';

describe('sluice variables', () => {
  it('sets a plain value given as an argument', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['variables', 'set', 'region', 'eu-west-1', '--description', 'where'], { client });
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      { method: 'putVariable', args: ['region', { value: 'eu-west-1', secret: false, description: 'where' }] },
    ]);
    expect(r.stdout).toBe('saved variable region\n');
  });

  it('reads a secret from stdin without its trailing newline, and never prints it', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['variables', 'set', 'api_token', '--secret'], {
      client,
      readStdin: async () => 'tok-from-stdin\n',
    });
    expect(r.code).toBe(0);
    expect(calls).toEqual([{ method: 'putVariable', args: ['api_token', { value: 'tok-from-stdin', secret: true }] }]);
    expect(r.stdout).toBe('saved variable api_token (secret)\n');
    expect(r.stdout + r.stderr).not.toContain('tok-from-stdin');
  });

  it('reads a value from a file exactly as it is', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-var-'));
    try {
      const file = path.join(dir, 'key.pem');
      await writeFile(file, 'line 1\nline 2\n');
      const { client, calls } = fakeClient();
      const r = await runWith(['variables', 'set', 'pem', '--secret', '--from-file', file], { client });
      expect(r.code).toBe(0);
      expect(calls[0]?.args).toEqual(['pem', { value: 'line 1\nline 2\n', secret: true }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warns that a secret given as an argument is visible to others', async () => {
    const r = await runWith(['variables', 'set', 'api_token', 'tok-arg', '--secret']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('visible in the process list');
  });

  it('refuses a value given twice, and a file it cannot read, before any request', async () => {
    const { client, calls } = fakeClient();
    const both = await runWith(['variables', 'set', 'k', 'v', '--from-file', '/etc/hostname'], { client });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const missing = await runWith(['variables', 'set', 'k', '--from-file', '/nonexistent/sluice-value'], { client });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read /nonexistent/sluice-value');
    expect(calls).toEqual([]);
  });

  it('lists variables with secret ones masked', async () => {
    const r = await runWith(['variables', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/region\s+eu-west-1\s+-/);
    expect(r.stdout).toMatch(/api_token\s+\*\*\*\s+yes/);
  });

  it('gets one value, and deletes', async () => {
    const { client, calls } = fakeClient();
    expect((await runWith(['variables', 'get', 'region'], { client })).stdout).toBe('eu-west-1\n');
    expect((await runWith(['variables', 'delete', 'region'], { client })).stdout).toBe('deleted variable region\n');
    expect(calls.map((c) => c.method)).toEqual(['getVariable', 'deleteVariable']);
  });
});
