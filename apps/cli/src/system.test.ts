import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidationResult } from './context';
import { fakeClient, runWith } from './testing';

function validator(result: ValidationResult) {
  const paths: string[] = [];
  return {
    paths,
    validateDags: async (path: string) => {
      paths.push(path);
      return result;
    },
  };
}

describe('sluice dags validate', () => {
  it('prints file:line:column: message for each error and exits 1, without the API', async () => {
    const { client, calls } = fakeClient();
    const v = validator({
      errors: [
        { fileLoc: 'dags/broken.ts', line: 12, column: 5, message: 'task "load" depends on unknown task "extrct"' },
        { fileLoc: 'dags/cycle.ts', line: null, column: null, message: 'cycle: a -> b -> a' },
        { fileLoc: '', line: null, column: null, message: "TS5023: Unknown compiler option 'foo'." },
      ],
      dags: [{ dagId: 'etl', fileLoc: 'dags/etl.ts', taskCount: 3 }],
    });
    const r = await runWith(['dags', 'validate', 'dags'], { client, validateDags: v.validateDags });
    expect(r.code).toBe(1);
    expect(v.paths).toEqual(['dags']);
    expect(r.stdout).toBe(
      'dags/broken.ts:12:5: task "load" depends on unknown task "extrct"\n' +
        'dags/cycle.ts: cycle: a -> b -> a\n' +
        "TS5023: Unknown compiler option 'foo'.\n",
    );
    expect(r.stderr).toBe('error: 3 errors in dags\n');
    expect(calls).toEqual([]);
  });

  it('lists the DAGs found and exits 0 when every file is valid', async () => {
    const v = validator({
      errors: [],
      dags: [
        { dagId: 'etl', fileLoc: 'etl.ts', taskCount: 3 },
        { dagId: 'glue_hourly', fileLoc: 'glue/hourly.ts', taskCount: 12 },
      ],
    });
    const r = await runWith(['dags', 'validate', os.tmpdir()], { validateDags: v.validateDags });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^DAG ID\s+FILE\s+TASKS\netl\s+etl\.ts\s+3\nglue_hourly\s+glue\/hourly\.ts\s+12\n2 DAGs OK\n$/,
    );
  });

  it('defaults the folder to $SLUICE_DAGS_FOLDER, then ./dags', async () => {
    const v = validator({ errors: [], dags: [] });
    await runWith(['dags', 'validate'], { validateDags: v.validateDags, env: { SLUICE_DAGS_FOLDER: os.tmpdir() } });
    const empty = await runWith(['dags', 'validate'], { validateDags: v.validateDags, env: {} });
    expect(v.paths).toEqual([os.tmpdir(), 'dags']);
    expect(empty.stdout).toBe('no DAGs found in dags\n');
  });
});

describe('sluice dags validate paths', () => {
  it('a folder that does not exist is a usage error naming it (exit 2), not a stack trace', async () => {
    const v = validator({ errors: [], dags: [] });
    const r = await runWith(['dags', 'validate', '/nonexistent/dags'], { validateDags: v.validateDags });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: no such file or folder: /nonexistent/dags\n');
    expect(v.paths).toEqual([]);
  });

  it('one DAG file validates its folder and reports that file only', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-validate-'));
    await fs.writeFile(path.join(dir, 'x.ts'), '');
    const v = validator({
      errors: [{ fileLoc: 'other.ts', line: 1, column: 1, message: 'broken elsewhere' }],
      dags: [
        { dagId: 'x', fileLoc: 'x.ts', taskCount: 2 },
        { dagId: 'o', fileLoc: 'other.ts', taskCount: 1 },
      ],
    });
    const r = await runWith(['dags', 'validate', path.join(dir, 'x.ts')], { validateDags: v.validateDags });
    expect(r.code).toBe(0);
    expect(v.paths).toEqual([dir]);
    expect(r.stdout).toMatch(/^DAG ID\s+FILE\s+TASKS\nx\s+x\.ts\s+2\n1 DAG OK\n$/);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('sluice db migrate / start', () => {
  it('db migrate prints each applied migration', async () => {
    const r = await runWith(['db', 'migrate'], {
      migrateDb: async () => ({ applied: ['20261122_init', '20261123_pools'] }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('applied 20261122_init\napplied 20261123_pools\napplied 2 migrations\n');
  });

  it('db migrate says when the database is up to date', async () => {
    const r = await runWith(['db', 'migrate'], { migrateDb: async () => ({ applied: [] }) });
    expect(r.stdout).toBe('database is up to date\n');
  });

  it('a migration failure exits 1 with its message', async () => {
    const r = await runWith(['db', 'migrate'], {
      migrateDb: async () => {
        throw new Error('cannot connect to postgres://postgres@127.0.0.1:5432/sluice: connection refused');
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: cannot connect to postgres://postgres@127.0.0.1:5432/sluice: connection refused\n');
  });

  it('start runs the injected starter', async () => {
    let started = 0;
    const r = await runWith(['start'], {
      start: async () => {
        started++;
      },
    });
    expect(r.code).toBe(0);
    expect(started).toBe(1);
  });
});

describe('sluice worker', () => {
  it('starts a worker serving the queues given, the default queue without --queues', async () => {
    const started: Array<readonly string[]> = [];
    const startWorker = async (queues: readonly string[]) => {
      started.push(queues);
    };
    expect((await runWith(['worker', '--queues', 'emr, heavy'], { startWorker })).code).toBe(0);
    expect((await runWith(['worker'], { startWorker })).code).toBe(0);
    expect(started).toEqual([['emr', 'heavy'], ['default']]);
  });

  it('refuses a queue name that is not an id, naming it', async () => {
    const r = await runWith(['worker', '--queues', 'heavy,a:b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('queue "a:b" is invalid: use 1-250 letters');
  });
});
