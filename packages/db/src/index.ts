export { createDb } from './client';
export type { CreateDbOptions, Db } from './client';
export { migrate, migrationChecksum, defaultMigrationsDir } from './migrate';
export type { MigrateOptions, MigrateResult } from './migrate';
export { checkDatabase } from './health';
export type { CheckDatabaseOptions } from './health';
export { DatabaseUnreachableError, MigrationError, databaseErrorHint } from './errors';
export { describeDatabaseUrl, resolveSchema, quoteIdent } from './connection';
export { createTestDatabase, dropSchema, testDatabaseUrl, randomSchemaName, DEFAULT_TEST_DATABASE_URL } from './testing';
export type { TestDatabase, CreateTestDatabaseOptions } from './testing';
export { PrismaClient, Prisma } from './generated/prisma/client';
export type {
  Dag,
  DagVersion,
  DagRun,
  TaskInstance,
  TaskTry,
  TaskLog,
  TaskOutput,
  ImportError,
  AuditEvent,
  Pool,
  SchedulerHeartbeat,
} from './generated/prisma/client';
