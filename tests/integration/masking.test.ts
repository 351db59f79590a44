/**
 * Secrets a task was given never reach its log: a secret variable, a
 * connection's credentials and a value under a *_TOKEN name all read `***`
 * in GET …/logs — stdout, stderr, an fn task's console output, a value cut
 * in two by the pipe — and in the error a failed try records.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setVariable, upsertConnection, verifySecretKey } from '@sluice/db';
import { startHarness, type Harness } from './harness';

const KEY = 'a-test-key-of-sufficient-length';
const VARIABLE = 'partner-cred-7f3e91';
const SECRET_KEY_ID = 'AKIAMASKEDEXAMPLE';
const SECRET_ACCESS = 'wJalrXUtnFEMI-masked';
const TOKEN = 'tok-literal-98765';

const DAG = `
import { dag, fn, shell } from '@sluice/sdk';
const d = dag({ id: 'masking', defaultArgs: { retries: 0 } });
d.task('shell_echo', shell({
  connection: 'warehouse',
  env: { PARTNER_CRED: { variable: 'partner_api' }, REGION_NAME: { variable: 'region' }, SERVICE_TOKEN: '${TOKEN}' },
  command: [
    'echo "var=$PARTNER_CRED region=$REGION_NAME"',
    'echo "conn=$AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY"',
    'echo "token=$SERVICE_TOKEN" >&2',
    // One value in two writes with a pause between: two chunks of the pipe.
    'printf "split=%s" "\${PARTNER_CRED:0:7}"; sleep 0.3; printf "%s.\\\\n" "\${PARTNER_CRED:7}"',
  ].join('; '),
}));
d.task('fn_echo', fn(async (ctx) => {
  const cred = await ctx.variable('partner_api');
  console.log('fn sees', cred);
  ctx.log('ctx.log sees', cred, 'and', await ctx.variable('region'));
  throw new Error('rejected credential ' + cred);
}));
d.task('fn_missing', fn(async (ctx) => ctx.variable('not_set')));
`;

let h: Harness;
let runId: string;

beforeAll(async () => {
  h = await startHarness({ dags: { 'masking.ts': DAG }, env: { SLUICE_SECRET_KEY: KEY } });
  await verifySecretKey(h.db.db.prisma, KEY);
  await setVariable(h.db.db.pool, { key: 'partner_api', value: VARIABLE, secret: true }, KEY, 'test');
  await setVariable(h.db.db.pool, { key: 'region', value: 'eu-west-1', secret: false }, KEY, 'test');
  await upsertConnection(
    h.db.db.prisma,
    {
      name: 'warehouse',
      kind: 'aws',
      region: 'eu-west-1',
      credentials: { accessKeyId: SECRET_KEY_ID, secretAccessKey: SECRET_ACCESS },
    },
    KEY,
  );
  runId = (await h.trigger('masking')).runId;
  await h.waitForRun('masking', runId, ['success', 'failed'], 60_000);
}, 90_000);

afterAll(async () => {
  await h?.close();
});

async function logOf(taskId: string): Promise<Array<{ stream: string; text: string }>> {
  const res = await request(h.app).get(`/api/v1/dags/masking/runs/${encodeURIComponent(runId)}/tasks/${taskId}/logs`);
  expect(res.status).toBe(200);
  return res.body.lines;
}

const textOf = (lines: Array<{ text: string }>) => lines.map((l) => l.text).join('');

describe('secrets in task logs', () => {
  it('masks a secret variable, connection credentials and a *_TOKEN value a shell task echoes', async () => {
    const lines = await logOf('shell_echo');
    const text = textOf(lines);
    expect(text).toContain('var=*** region=eu-west-1');
    expect(text).toContain('conn=***/***');
    expect(lines.some((l) => l.stream === 'stderr' && l.text.includes('token=***'))).toBe(true);
    expect(textOf(lines.filter((l) => l.stream === 'stdout'))).toContain('split=***.');
    for (const secret of [VARIABLE, SECRET_KEY_ID, SECRET_ACCESS, TOKEN]) expect(text).not.toContain(secret);
    expect(text).not.toContain(VARIABLE.slice(0, 7));
  });

  it("masks a secret variable in an fn task's console output, its ctx.log lines and its error", async () => {
    const text = textOf(await logOf('fn_echo'));
    expect(text).toContain('fn sees ***');
    expect(text).toContain('ctx.log sees *** and eu-west-1');
    expect(text).toContain('rejected credential ***');
    expect(text).not.toContain(VARIABLE);
    const ti = await request(h.app).get(`/api/v1/dags/masking/runs/${encodeURIComponent(runId)}/tasks/fn_echo`);
    const error = ti.body.tries[0].error;
    expect(error.message).toBe('rejected credential ***');
    expect(JSON.stringify(ti.body)).not.toContain(VARIABLE);
  });

  it('fails a task reading a variable that does not exist, naming it', async () => {
    const ti = await request(h.app).get(`/api/v1/dags/masking/runs/${encodeURIComponent(runId)}/tasks/fn_missing`);
    expect(ti.body.state).toBe('failed');
    expect(ti.body.tries[0].error).toMatchObject({
      name: 'VariableNotFoundError',
      message: 'Variable "not_set" does not exist (set it with: sluice variables set not_set …)',
    });
  });
});
