import { describe, expect, it } from 'vitest';
import { fakeClient, runWith } from './testing';

describe('sluice pools', () => {
  it('lists pools with their occupancy', async () => {
    const r = await runWith(['pools', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^POOL\s+SLOTS\s+RUNNING\s+QUEUED\s+FREE\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(/^emr\s+4\s+2\s+1\s+1\s+EMR clusters$/);
    expect(lines[2]).toMatch(/^warehouse\s+2\s+0\s+0\s+2\s+-$/);
    const asJson = await runWith(['pools', 'list', '--json']);
    expect(JSON.parse(asJson.stdout).items[0]).toMatchObject({ name: 'emr', running: 2, queued: 1 });
  });

  it('sets a pool size with a description, and deletes a pool', async () => {
    const { client, calls } = fakeClient();
    const set = await runWith(['pools', 'set', 'emr', '3', '--description', 'EMR clusters'], { client });
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('pool emr: 3 slots (1 running, 0 queued)\n');
    const del = await runWith(['pools', 'delete', 'emr'], { client });
    expect(del.stdout).toBe('deleted pool emr\n');
    expect(calls).toEqual([
      { method: 'putPool', args: ['emr', { slots: 3, description: 'EMR clusters' }] },
      { method: 'deletePool', args: ['emr'] },
    ]);
  });

  it('refuses slots that are not a whole number, saying what it expected', async () => {
    const { client, calls } = fakeClient();
    for (const bad of ['-1', '2.5', 'many']) {
      const r = await runWith(['pools', 'set', 'emr', bad], { client });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('expected a whole number of slots, 0 or more');
    }
    expect(calls).toEqual([]);
  });
});
