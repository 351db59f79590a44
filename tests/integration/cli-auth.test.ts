/**
 * The `sluice` command as a team member uses it against a server with
 * sign-in on: an admin creates a user in the database, the user runs
 * `sluice login` (password on stdin), later commands send the saved token
 * (kept 0600), `logout` revokes it; SLUICE_API_TOKEN wins over the file, and
 * a token's role limits what the CLI may do.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH } from '@sluice/api';
import { createApiToken, createUser } from '@sluice/db';
import { repoRoot, startHarness, type Harness } from './harness';

const dagSource = `
import { dag, fn } from '@sluice/sdk';
export const d = dag({ id: 'cli_dag', schedule: null, start: '2026-01-01' });
d.task('only', fn(async () => 'fine'));
`;

let h: Harness;
let server: Server;
let apiUrl: string;
let home: string;

beforeAll(async () => {
  h = await startHarness({ dags: { 'cli.ts': dagSource }, worker: false, auth: { ...DEFAULT_AUTH, mode: 'on' } });
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-cli-home-'));
}, 60_000);
afterAll(async () => {
  server?.close();
  await h?.close();
  await fs.rm(home, { recursive: true, force: true });
});

function sluice(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/cli/src/main.ts'), ...args], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        USER: 'ann',
        SLUICE_API_URL: apiUrl,
        DATABASE_URL: h.databaseUrl,
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin.end(opts.stdin ?? '');
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('sluice users, login, logout', () => {
  let password = '';

  it('`users create --generate-password` makes a user in the database and prints the password once', async () => {
    const res = await sluice(['users', 'create', 'ann', '--role', 'operator', '--generate-password']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    password = /password: (\S+)/.exec(res.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);
    const list = await sluice(['users', 'list']);
    expect(list.stdout).toMatch(/ann\s+operator/);
    expect(list.stdout).not.toContain(password);
  });

  it('refuses a weak password with the rule, and an unknown role with exit 2', async () => {
    const weak = await sluice(['users', 'create', 'bo', '--role', 'viewer'], { stdin: 'short\n' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('at least 12 characters');
    const role = await sluice(['users', 'create', 'bo', '--role', 'boss'], { stdin: 'a long enough password\n' });
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('viewer, operator or admin');
  });

  it('`login` with the password on stdin saves a token 0600, and later commands use it', async () => {
    const login = await sluice(['login'], { stdin: `${password}\n` });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`signed in to ${apiUrl} as ann (operator)`);

    const dir = path.join(home, '.config', 'sluice');
    const file = path.join(dir, 'credentials.json');
    expect((await fs.stat(dir)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { tokens: Record<string, { token: string }> };
    expect(saved.tokens[apiUrl]?.token).toMatch(/^slc_/);

    const who = await sluice(['whoami']);
    expect(who.stdout).toMatch(/^ann \(operator\) via token cli-/);
    const dags = await sluice(['dags', 'list']);
    expect(dags.code).toBe(0);
    expect(dags.stdout).toContain('cli_dag');

    // The browser session login used was closed again; only the token remains.
    const sessions = await h.db.db.pool.query(
      `SELECT 1 FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'ann'`,
    );
    expect(sessions.rowCount).toBe(0);
  });

  it('`audit list` shows what the user did, as that user', async () => {
    const res = await sluice(['audit', 'list', '--actor', 'ann', '--json']);
    expect(res.code).toBe(0);
    const actions = (JSON.parse(res.stdout) as { items: Array<{ action: string }> }).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['sign_in', 'token_create', 'sign_out']));
  });

  it('SLUICE_API_TOKEN wins over the saved token, and its role limits the CLI', async () => {
    await createUser(h.db.db.prisma, { username: 'vera', role: 'viewer' });
    const { token } = await createApiToken(h.db.db.prisma, { username: 'vera', name: 'ci', expiresAt: null });
    const who = await sluice(['whoami'], { env: { SLUICE_API_TOKEN: token } });
    expect(who.stdout).toMatch(/^vera \(viewer\)/);
    const trigger = await sluice(['dags', 'trigger', 'cli_dag'], { env: { SLUICE_API_TOKEN: token } });
    expect(trigger.code).toBe(1);
    expect(trigger.stderr).toContain('needs the operator role; vera has viewer');
  });

  it('`logout` revokes the token in the API and forgets it; the CLI is then refused with a 401', async () => {
    const out = await sluice(['logout']);
    expect(out.code).toBe(0);
    const revoked = await h.db.db.pool.query<{ revoked: boolean }>(
      `SELECT revoked_at IS NOT NULL AS revoked FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'ann'`,
    );
    expect(revoked.rows.map((r) => r.revoked)).toEqual([true]);
    const dags = await sluice(['dags', 'list']);
    expect(dags.code).toBe(1);
    expect(dags.stderr).toContain('Sign in');
  });

  it('a wrong password at login exits 1 with the API’s message and saves nothing', async () => {
    const res = await sluice(['login'], { stdin: 'not the password at all\n' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Wrong username or password');
    const saved = JSON.parse(await fs.readFile(path.join(home, '.config', 'sluice', 'credentials.json'), 'utf8'));
    expect(saved.tokens).toEqual({});
  });
});
