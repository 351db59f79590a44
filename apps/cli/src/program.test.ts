import { ApiError, ApiUnreachableError } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { fakeClient, runWith } from './testing';
import { asFlag } from './program';

describe('sluice --help', () => {
  it('lists every command group and the environment it reads', async () => {
    const r = await runWith(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['dags', 'runs', 'tasks', 'db', 'start'])
      expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    expect(r.stdout).toContain('SLUICE_API_URL');
  });

  it.each([
    ['dags', ['list', 'show', 'trigger', 'pause', 'unpause', 'import-errors', 'validate']],
    ['runs', ['list', 'show', 'mark-failed', 'mark-success']],
    ['tasks', ['clear|rerun', 'logs', 'show', 'mark-success', 'mark-failed']],
    ['db', ['migrate']],
  ])('%s --help lists its subcommands', async (group, subcommands) => {
    const r = await runWith([group, '--help']);
    expect(r.code).toBe(0);
    for (const sub of subcommands) expect(r.stdout).toMatch(new RegExp(`^  ${sub.replace('|', '\\|')}[\\s]`, 'm'));
  });

  it('a subcommand --help shows its options', async () => {
    const r = await runWith(['dags', 'trigger', '--help']);
    expect(r.code).toBe(0);
    for (const opt of ['--conf <json>', '--logical-date <iso>', '--run-id <id>', '--wait', '--json'])
      expect(r.stdout).toContain(opt);
  });
});

describe('sluice usage errors', () => {
  it('an unknown command exits 2', async () => {
    const r = await runWith(['dgas', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'dgas'");
  });

  it('a missing argument exits 2 without calling the API', async () => {
    const { client, calls } = fakeClient();
    const r = await runWith(['runs', 'show', 'etl'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'run'");
    expect(calls).toEqual([]);
  });

  it('a group without a subcommand prints its help and exits 2', async () => {
    const r = await runWith(['runs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: sluice runs');
  });
});

describe('sluice API failures', () => {
  it('an unreachable API exits 1 with the message naming SLUICE_API_URL', async () => {
    const { client } = fakeClient({
      listDags: async () => {
        throw new ApiUnreachableError('http://127.0.0.1:8080', 'connection refused');
      },
    });
    const r = await runWith(['dags', 'list'], { client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: cannot reach the Sluice API at http://127.0.0.1:8080: connection refused — is `npm start` running? set SLUICE_API_URL\n',
    );
  });

  it('a 422 exits 2', async () => {
    const { client } = fakeClient({
      clearTask: async () => {
        throw new ApiError(422, 'bad_request', 'task cannot be cleared while running');
      },
    });
    const r = await runWith(['tasks', 'clear', 'etl', 'r', 't'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: task cannot be cleared while running\n');
  });

  it('a 500 exits 1', async () => {
    const { client } = fakeClient({
      getDag: async () => {
        throw new ApiError(500, 'internal', 'database is down');
      },
    });
    const r = await runWith(['dags', 'show', 'etl'], { client });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: database is down\n');
  });
});

describe('errors and version', () => {
  it('--version prints the package version', async () => {
    const r = await runWith(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('names API fields as the flags the user typed', async () => {
    const { client } = fakeClient({
      triggerRun: async () => {
        throw new ApiError(400, 'bad_request', 'Invalid request: body.logicalDate: a logical date lies between…', [
          { path: 'body.logicalDate', message: 'a logical date lies between 1970 and 2200' },
          { path: 'body.conf.day', message: 'required' },
        ]);
      },
    });
    const r = await runWith(['dags', 'trigger', 'etl', '--logical-date', '0001-01-01T00:00:00Z'], { client });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: Invalid request: --logical-date: a logical date lies between…\n' +
        '  --logical-date: a logical date lies between 1970 and 2200\n' +
        '  --conf day: required\n',
    );
  });

  it('with --json an error is JSON too, with the same exit code', async () => {
    const { client } = fakeClient({
      getRun: async () => {
        throw new ApiError(404, 'not_found', 'DAG "nope" does not exist');
      },
    });
    const r = await runWith(['runs', 'show', 'nope', 'x', '--json'], { client });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'not_found', message: 'DAG "nope" does not exist', issues: [] },
    });
  });

  it('maps every kind of field path', () => {
    expect(asFlag('body.roleArn')).toBe('--role-arn');
    expect(asFlag('query.limit')).toBe('--limit');
    expect(asFlag('params.dagId')).toBe('<dag>');
    expect(asFlag('params.runId')).toBe('<run>');
    expect(asFlag('conf')).toBe('conf');
  });
});
