/**
 * Recording a parse of the DAGs folder: versions are created only for new
 * hashes, the current version follows the file, broken and deleted files are
 * told apart, and the statements sent do not grow with the number of DAGs.
 */
import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { type ParsedDag, readDagFiles, syncDags } from './syncDags';

let t: TestDatabase;

beforeEach(async () => {
  await t?.drop();
  t = await createTestDatabase({ max: 2 });
});

afterAll(async () => {
  await t?.drop();
});

const parsedAt = new Date('2026-03-01T00:00:00Z');

function parsed(dagId: string, hash: string, overrides: Partial<ParsedDag> = {}): ParsedDag {
  return {
    dagId,
    fileLoc: `${dagId}.ts`,
    hash,
    structure: { dagId, hash },
    bundle: `// bundle of ${dagId} ${hash}`,
    pausedOnCreation: false,
    ...overrides,
  };
}

async function current(
  dagId: string,
): Promise<{ hash: string | null; is_active: boolean; file_loc: string } | undefined> {
  const res = await t.db.pool.query<{ hash: string | null; is_active: boolean; file_loc: string }>(
    `SELECT v.hash, d.is_active, d.file_loc FROM dag d LEFT JOIN dag_version v ON v.id = d.current_version_id WHERE d.dag_id = $1`,
    [dagId],
  );
  return res.rows[0];
}

async function versionCount(): Promise<number> {
  const res = await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dag_version');
  return res.rows[0]?.n ?? -1;
}

/** A pool whose connections record the parameters of every query sent through them. */
function recordingPool(sent: unknown[][]): Pool {
  const pool = t.db.pool;
  return {
    async connect(): Promise<PoolClient> {
      const client = await pool.connect();
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      const release = client.release.bind(client);
      const patched = client as unknown as { query: unknown; release: unknown };
      patched.query = (...args: unknown[]) => {
        sent.push(Array.isArray(args[1]) ? (args[1] as unknown[]) : []);
        return query(...args);
      };
      patched.release = (err?: Error | boolean) => {
        patched.query = query;
        patched.release = release;
        release(err);
      };
      return client;
    },
  } as unknown as Pool;
}

describe('syncDags', () => {
  it('creates a version per new DAG and points each DAG at it', async () => {
    const result = await syncDags(t.db.pool, {
      parsedAt,
      dags: [parsed('a', 'h1'), parsed('b', 'h1', { pausedOnCreation: true })],
      errors: [],
    });
    expect(result.newVersions).toEqual(['a', 'b']);
    expect(await current('a')).toEqual({ hash: 'h1', is_active: true, file_loc: 'a.ts' });
    const b = await t.db.pool.query<{ is_paused: boolean; structure: unknown; bundle: string }>(
      `SELECT d.is_paused, v.structure, v.bundle FROM dag d JOIN dag_version v ON v.id = d.current_version_id WHERE d.dag_id = 'b'`,
    );
    expect(b.rows[0]).toEqual({ is_paused: true, structure: { dagId: 'b', hash: 'h1' }, bundle: '// bundle of b h1' });
  });

  it('creates no version when a hash is already recorded, and reuses an old one on revert', async () => {
    await syncDags(t.db.pool, { parsedAt, dags: [parsed('a', 'h1')], errors: [] });
    expect((await syncDags(t.db.pool, { parsedAt, dags: [parsed('a', 'h1')], errors: [] })).newVersions).toEqual([]);
    expect((await syncDags(t.db.pool, { parsedAt, dags: [parsed('a', 'h2')], errors: [] })).newVersions).toEqual(['a']);
    expect((await current('a'))?.hash).toBe('h2');
    expect((await syncDags(t.db.pool, { parsedAt, dags: [parsed('a', 'h1')], errors: [] })).newVersions).toEqual([]);
    expect((await current('a'))?.hash).toBe('h1');
    expect(await versionCount()).toBe(2);
  });

  it('does not send the bundle of a version Postgres already has', async () => {
    await syncDags(t.db.pool, { parsedAt, dags: [parsed('a', 'h1')], errors: [] });
    const sent: unknown[][] = [];
    await syncDags(recordingPool(sent), { parsedAt, dags: [parsed('a', 'h1')], errors: [] });
    expect(JSON.stringify(sent)).not.toContain('// bundle of a h1');
  });

  it('sends as many statements for a hundred DAGs as for one', async () => {
    const count = async (dags: ParsedDag[]): Promise<number> => {
      const sent: unknown[][] = [];
      await syncDags(recordingPool(sent), {
        parsedAt,
        dags,
        errors: [{ fileLoc: 'broken.ts', line: 1, column: 1, message: 'no' }],
      });
      return sent.length;
    };
    const one = await count([parsed('solo', 'h1')]);
    const hundred = await count(Array.from({ length: 100 }, (_, i) => parsed(`d${i}`, 'h1')));
    expect(hundred).toBe(one);
    expect(await versionCount()).toBe(101);
  });

  it('records versions whose bundles together exceed one INSERT', async () => {
    const big = (dagId: string) => parsed(dagId, 'h1', { bundle: `// ${dagId}\n${'x'.repeat(9 * 1024 * 1024)}` });
    const result = await syncDags(t.db.pool, { parsedAt, dags: [big('a'), big('b'), parsed('c', 'h1')], errors: [] });
    expect(result.newVersions).toEqual(['a', 'b', 'c']);
    const lengths = await t.db.pool.query<{ dag_id: string; n: number }>(
      'SELECT dag_id, length(bundle) AS n FROM dag_version ORDER BY dag_id',
    );
    expect(lengths.rows.map((r) => [r.dag_id, r.n])).toEqual([
      ['a', 9 * 1024 * 1024 + 5],
      ['b', 9 * 1024 * 1024 + 5],
      ['c', '// bundle of c h1'.length],
    ]);
  });

  it('records more new versions than one INSERT can carry parameters for', async () => {
    const dags = Array.from({ length: 13_200 }, (_, i) => parsed(`d${i}`, 'h1', { bundle: '', structure: {} }));
    const result = await syncDags(t.db.pool, { parsedAt, dags, errors: [] });
    expect(result.newVersions).toHaveLength(13_200);
    expect(await versionCount()).toBe(13_200);
  });

  it('keeps the last entry when a DAG or a file appears twice', async () => {
    const result = await syncDags(t.db.pool, {
      parsedAt,
      dags: [parsed('a', 'h1'), parsed('a', 'h2')],
      errors: [
        { fileLoc: 'x.ts', line: 1, column: 1, message: 'first' },
        { fileLoc: 'x.ts', line: 2, column: 3, message: 'second' },
      ],
    });
    expect(result.newVersions).toEqual(['a']);
    expect((await current('a'))?.hash).toBe('h2');
    const errors = await t.db.pool.query('SELECT file_loc, line, "column", message FROM import_error');
    expect(errors.rows).toEqual([{ file_loc: 'x.ts', line: 2, column: 3, message: 'second' }]);
  });

  it('keeps a DAG whose file broke on its last version and deactivates one whose file is gone', async () => {
    await syncDags(t.db.pool, { parsedAt, dags: [parsed('kept', 'h1'), parsed('gone', 'h1')], errors: [] });
    await syncDags(t.db.pool, {
      parsedAt,
      dags: [],
      errors: [{ fileLoc: 'kept.ts', line: 3, column: null, message: 'boom' }],
    });
    expect(await current('kept')).toEqual({ hash: 'h1', is_active: true, file_loc: 'kept.ts' });
    expect((await current('gone'))?.is_active).toBe(false);
  });

  it('keeps when an unchanged import error was first seen, and clears it once the file loads', async () => {
    const error = { fileLoc: 'a.ts', line: 1, column: null, message: 'boom' };
    const later = new Date(parsedAt.getTime() + 60_000);
    const createdAt = async () =>
      (await t.db.pool.query<{ created_at: Date }>('SELECT created_at FROM import_error')).rows.map((r) =>
        r.created_at.toISOString(),
      );
    await syncDags(t.db.pool, { parsedAt, dags: [], errors: [error] });
    await syncDags(t.db.pool, { parsedAt: later, dags: [], errors: [error] });
    expect(await createdAt()).toEqual([parsedAt.toISOString()]);
    await syncDags(t.db.pool, { parsedAt: later, dags: [], errors: [{ ...error, line: 2, message: 'other' }] });
    expect(await createdAt()).toEqual([later.toISOString()]);
    await syncDags(t.db.pool, { parsedAt, dags: [parsed('a', 'h1')], errors: [] });
    expect(await createdAt()).toEqual([]);
  });

  it('tells the loader which file each active DAG came from', async () => {
    await syncDags(t.db.pool, {
      parsedAt,
      dags: [parsed('a', 'h1', { fileLoc: 'real.ts' }), parsed('gone', 'h1')],
      errors: [],
    });
    await syncDags(t.db.pool, { parsedAt, dags: [parsed('a', 'h1', { fileLoc: 'real.ts' })], errors: [] });
    expect(await readDagFiles(t.db.pool)).toEqual(new Map([['a', 'real.ts']]));
  });
});
