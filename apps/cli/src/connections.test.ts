import { describe, expect, it } from 'vitest';
import { fakeClient, runWith } from './testing';

describe('sluice connections', () => {
  it('stores credentials from the environment, never from arguments', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['connections', 'set', 'prod', '--region', 'eu-west-1', '--credentials-from-env'], {
      client,
      env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI' },
    });
    expect(r.code).toBe(0);
    expect(calls).toEqual([
      {
        method: 'putConnection',
        args: [
          'prod',
          { kind: 'aws', region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' },
        ],
      },
    ]);
    expect(r.stdout).toContain('saved connection prod (with credentials)');
    expect(r.stdout).not.toContain('wJalrXUtnFEMI');
  });

  it('refuses --credentials-from-env without the variables, before any request', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['connections', 'set', 'prod', '--credentials-from-env'], { client, env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('AWS_SECRET_ACCESS_KEY');
    expect(calls).toEqual([]);
  });

  it('rotate-key re-encrypts with the keys from the environment and says to restart', async () => {
    const asked: string[][] = [];
    const r = await runWith(['connections', 'rotate-key'], {
      env: { SLUICE_SECRET_KEY: 'old-key-0123456789', SLUICE_NEW_SECRET_KEY: 'new-key-0123456789' },
      rotateSecretKey: async (oldKey, newKey) => {
        asked.push([oldKey, newKey]);
        return { connections: 3, variables: 1 };
      },
    });
    expect(r.code).toBe(0);
    expect(asked).toEqual([['old-key-0123456789', 'new-key-0123456789']]);
    expect(r.stdout).toContain(
      're-encrypted 3 connections and 1 variable under the new key; restart the API and workers',
    );
  });

  it('rotate-key without a new key of 16 characters is a usage error', async () => {
    const r = await runWith(['connections', 'rotate-key'], {
      env: { SLUICE_SECRET_KEY: 'old-key-0123456789', SLUICE_NEW_SECRET_KEY: 'short' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SLUICE_NEW_SECRET_KEY');
  });

  it('lists connections with whether credentials are stored', async () => {
    const { client } = fakeClient();
    const r = await runWith(['connections', 'list'], { client });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/prod\s+eu-west-1\s+-\s+-\s+stored/);
  });
});
