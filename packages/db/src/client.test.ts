import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './client';
import { Prisma } from './generated/prisma/client';
import { type TestDatabase, createTestDatabase } from './testing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.drop();
});

/** A dag, a version, a run and one task instance, made through Prisma. */
async function seedRun(dagId: string) {
  const { prisma } = testDb.db;
  const dag = await prisma.dag.create({ data: { dagId, fileLoc: `dags/${dagId}.ts` } });
  const version = await prisma.dagVersion.create({
    data: {
      dagId,
      hash: 'h1',
      structure: { dagId, tasks: [{ id: 'extract', upstream: [] }], schedule: null },
      bundle: 'export default {}',
      fileLoc: dag.fileLoc,
    },
  });
  const run = await prisma.dagRun.create({
    data: {
      dagId,
      runId: 'manual__2026-01-01',
      runType: 'manual',
      logicalDate: new Date('2026-01-01T00:00:00.123Z'),
      dataIntervalStart: new Date('2025-12-31T00:00:00Z'),
      dataIntervalEnd: new Date('2026-01-01T00:00:00Z'),
      state: 'queued',
      dagVersionId: version.id,
    },
  });
  const ti = await prisma.taskInstance.create({
    data: { dagRunId: run.id, dagId, taskId: 'extract', maxTries: 3, operator: 'shell' },
  });
  return { dag, version, run, ti };
}

describe('createDb', () => {
  it('round-trips Dag with its defaults and an @updatedAt that moves on update', async () => {
    const { prisma } = testDb.db;
    const longAgo = new Date('2020-01-01T00:00:00Z');
    const created = await prisma.dag.create({
      data: { dagId: 'dag_defaults', fileLoc: 'dags/a.ts', updatedAt: longAgo },
    });
    expect(created).toMatchObject({ isPaused: false, isActive: true, currentVersionId: null, nextRunAt: null });
    expect(created.createdAt.getTime()).toBeGreaterThan(longAgo.getTime());
    expect(created.updatedAt).toEqual(longAgo);

    const updated = await prisma.dag.update({ where: { dagId: 'dag_defaults' }, data: { isPaused: true } });

    expect(updated.isPaused).toBe(true);
    expect(updated.updatedAt.getTime()).toBeGreaterThan(longAgo.getTime());
    expect(await prisma.dag.findUnique({ where: { dagId: 'dag_defaults' } })).toEqual(updated);
  });

  it('round-trips DagVersion, DagRun and TaskInstance: uuid defaults, Json, millisecond timestamps, relations', async () => {
    const { prisma } = testDb.db;
    const { version, run, ti } = await seedRun('dag_roundtrip');

    expect(version.id).toMatch(UUID);
    expect(run.id).toMatch(UUID);
    expect(ti.id).toMatch(UUID);
    const read = await prisma.dagRun.findUniqueOrThrow({
      where: { dagId_runId: { dagId: 'dag_roundtrip', runId: 'manual__2026-01-01' } },
      include: { dag: true, dagVersion: true, taskInstances: true },
    });
    expect(read.conf).toEqual({});
    expect(read.logicalDate.toISOString()).toBe('2026-01-01T00:00:00.123Z');
    expect(read.dag.dagId).toBe('dag_roundtrip');
    expect(read.dagVersion.structure).toEqual({
      dagId: 'dag_roundtrip',
      tasks: [{ id: 'extract', upstream: [] }],
      schedule: null,
    });
    expect(read.taskInstances).toEqual([
      expect.objectContaining({
        id: ti.id,
        state: 'none',
        tryNumber: 0,
        pool: 'default_pool',
        poolSlots: 1,
        priorityWeight: 1,
        external: null,
      }),
    ]);

    const withExternal = await prisma.taskInstance.update({
      where: { id: ti.id },
      data: { external: { emrStepId: 's-123', attempts: 2, done: false } },
    });
    expect(withExternal.external).toEqual({ emrStepId: 's-123', attempts: 2, done: false });
  });

  it('round-trips TaskTry, TaskLog (keyed by try and seq) and TaskOutput', async () => {
    const { prisma } = testDb.db;
    const { ti } = await seedRun('dag_children');

    const tryRow = await prisma.taskTry.create({
      data: {
        taskInstanceId: ti.id,
        tryNumber: 1,
        state: 'failed',
        error: { name: 'Error', message: 'boom', code: 'E1' },
      },
    });
    await prisma.taskLog.create({
      data: { taskInstanceId: ti.id, tryNumber: 1, seq: 1, stream: 'stderr', text: 'world' },
    });
    await prisma.taskLog.create({
      data: { taskInstanceId: ti.id, tryNumber: 1, seq: 0, stream: 'stdout', text: 'hello' },
    });
    await prisma.taskOutput.create({ data: { taskInstanceId: ti.id, tryNumber: 1, value: [1, 'two', { three: 3 }] } });

    expect(tryRow.id).toMatch(UUID);
    const read = await prisma.taskInstance.findUniqueOrThrow({
      where: { id: ti.id },
      include: { tries: true, logs: { orderBy: { seq: 'asc' } }, output: true },
    });
    expect(read.tries).toEqual([tryRow]);
    expect(read.tries[0]?.error).toEqual({ name: 'Error', message: 'boom', code: 'E1' });
    expect(read.logs.map((log) => log.text)).toEqual(['hello', 'world']);
    expect(read.output?.value).toEqual([1, 'two', { three: 3 }]);
  });

  it('round-trips ImportError and enforces its unique file_loc', async () => {
    const { prisma } = testDb.db;
    const created = await prisma.importError.create({
      data: { fileLoc: 'dags/broken.ts', line: 3, column: 7, message: 'Unexpected token' },
    });
    expect(created.id).toMatch(UUID);
    expect(await prisma.importError.findUnique({ where: { fileLoc: 'dags/broken.ts' } })).toEqual(created);

    const duplicate = prisma.importError.create({ data: { fileLoc: 'dags/broken.ts', message: 'again' } });

    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' });
  });

  it('round-trips AuditEvent, Pool and SchedulerHeartbeat', async () => {
    const { prisma } = testDb.db;
    const event = await prisma.auditEvent.create({ data: { actor: 'cli', action: 'trigger', dagId: 'd' } });
    const pool = await prisma.pool.create({ data: { name: 'emr', slots: 4 } });
    const beat = await prisma.schedulerHeartbeat.create({ data: { id: 'sched-1', hostname: 'host-a' } });

    expect(typeof event.id).toBe('bigint');
    expect(event.details).toEqual({});
    expect(await prisma.auditEvent.findUnique({ where: { id: event.id } })).toEqual(event);
    expect(await prisma.pool.findUnique({ where: { name: 'emr' } })).toEqual({
      name: 'emr',
      slots: 4,
      description: null,
    });
    expect(pool.slots).toBe(4);
    expect(await prisma.schedulerHeartbeat.findUnique({ where: { id: 'sched-1' } })).toEqual(beat);
  });

  it('deleting a DAG cascades to its versions, runs, task instances, tries, logs and outputs', async () => {
    const { prisma } = testDb.db;
    const { ti, run, version } = await seedRun('dag_cascade');
    await prisma.taskTry.create({ data: { taskInstanceId: ti.id, tryNumber: 1, state: 'success' } });
    await prisma.taskLog.create({ data: { taskInstanceId: ti.id, tryNumber: 1, seq: 0, stream: 'stdout', text: 'x' } });
    await prisma.taskOutput.create({ data: { taskInstanceId: ti.id, tryNumber: 1, value: 42 } });

    await prisma.dag.delete({ where: { dagId: 'dag_cascade' } });

    expect(await prisma.dagVersion.findUnique({ where: { id: version.id } })).toBeNull();
    expect(await prisma.dagRun.findUnique({ where: { id: run.id } })).toBeNull();
    expect(await prisma.taskInstance.findUnique({ where: { id: ti.id } })).toBeNull();
    expect(await prisma.taskTry.count({ where: { taskInstanceId: ti.id } })).toBe(0);
    expect(await prisma.taskLog.count({ where: { taskInstanceId: ti.id } })).toBe(0);
    expect(await prisma.taskOutput.count({ where: { taskInstanceId: ti.id } })).toBe(0);
  });

  it('refuses to delete a DAG version a run is pinned to', async () => {
    const { prisma } = testDb.db;
    const { version } = await seedRun('dag_pinned');

    const attempt = prisma.dagVersion.delete({ where: { id: version.id } });

    await expect(attempt).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(attempt).rejects.toMatchObject({ code: 'P2003' });
    expect(await prisma.dagVersion.findUnique({ where: { id: version.id } })).not.toBeNull();
  });

  it('runs Prisma queries on the same pool that raw SQL uses, in the same schema', async () => {
    const db = createDb({ databaseUrl: testDb.databaseUrl, schema: testDb.schema, max: 2 });
    try {
      expect(db.pool.totalCount).toBe(0);

      await db.prisma.pool.create({ data: { name: 'shared_pool', slots: 2 } });

      expect(db.pool.totalCount).toBeGreaterThan(0);
      expect(db.pool.totalCount).toBeLessThanOrEqual(2);
      const raw = await db.pool.query<{ slots: number; schema: string }>(
        `SELECT slots, current_schema() AS schema FROM pool WHERE name = 'shared_pool'`,
      );
      expect(raw.rows).toEqual([{ slots: 2, schema: testDb.schema }]);
    } finally {
      await db.close();
    }
  });

  it('keeps each schema’s rows apart', async () => {
    const other = await createTestDatabase();
    try {
      await other.db.prisma.pool.create({ data: { name: 'only_in_other', slots: 1 } });

      expect(await testDb.db.prisma.pool.findUnique({ where: { name: 'only_in_other' } })).toBeNull();
      const raw = await testDb.db.pool.query(`SELECT 1 FROM pool WHERE name = 'only_in_other'`);
      expect(raw.rowCount).toBe(0);
    } finally {
      await other.drop();
    }
  });

  it('takes the schema from a ?schema= URL parameter when no schema option is given', async () => {
    const url = new URL(testDb.databaseUrl);
    url.searchParams.set('schema', testDb.schema);
    const db = createDb({ databaseUrl: url.toString() });
    try {
      expect(db.schema).toBe(testDb.schema);
      const raw = await db.pool.query<{ schema: string }>('SELECT current_schema() AS schema');
      expect(raw.rows[0]?.schema).toBe(testDb.schema);
      // Prisma writes into that schema too: what it creates, plain SQL on the schema finds.
      await db.prisma.importError.create({ data: { fileLoc: 'schema-param.ts', message: 'm' } });
      const found = await testDb.db.pool.query(
        `SELECT 1 FROM ${testDb.schema}.import_error WHERE file_loc = 'schema-param.ts'`,
      );
      expect(found.rowCount).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('close() ends the pool and can be called twice', async () => {
    const db = createDb({ databaseUrl: testDb.databaseUrl, schema: testDb.schema });
    await db.prisma.pool.count();

    await Promise.all([db.close(), db.close()]);

    expect(db.pool.ended).toBe(true);
  });
});

describe('createDb on a broken connection', () => {
  it('reports a checked-out connection terminated by Postgres to onPoolError instead of crashing', async () => {
    const errors: Error[] = [];
    const db = createDb({
      databaseUrl: testDb.databaseUrl,
      schema: testDb.schema,
      max: 2,
      onPoolError: (err) => errors.push(err),
    });
    try {
      const held = await db.pool.connect();
      const pid = (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      // Only this test's own backend, held idle between statements.
      await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      const deadline = Date.now() + 10_000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(errors[0]?.message).toMatch(/terminat/i);
      held.release(true);
      // The pool goes on with a fresh connection.
      expect((await db.pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});
