/** What the `sluice` commands are given: their dependencies, errors and argument parsers. */
import type { ClientOptions, SluiceClient } from '@sluice/client';
import type { NewUser, UserChange, UserView } from '@sluice/db';
import type { CredentialStore } from './credentials';
import { InvalidArgumentError } from 'commander';

export type Output = { write(chunk: string): unknown };

export type ValidationResult = {
  errors: Array<{ fileLoc: string; line: number | null; column: number | null; message: string }>;
  dags: Array<{ dagId: string; fileLoc: string; taskCount: number }>;
};

/** User administration straight in the database, as the server's operator (like `airflow users`). */
export interface UserAdmin {
  list(): Promise<UserView[]>;
  create(input: NewUser): Promise<UserView>;
  update(username: string, change: UserChange): Promise<UserView>;
  remove(username: string): Promise<void>;
}

export interface CliDeps {
  client: SluiceClient;
  /** The API the client talks to; stored tokens are kept per API URL. */
  apiUrl: string;
  /** A client for the same API with other credentials (used by `login`). */
  clientWith(opts: Omit<ClientOptions, 'baseUrl'>): SluiceClient;
  /** Where `sluice login` keeps tokens. */
  credentials: CredentialStore;
  /** Reads a secret: from the terminal without echo, else the first line of standard input. */
  readSecret(prompt: string): Promise<string>;
  /** Opens the database for `sluice users …`, runs `fn`, closes it. */
  withUsers<T>(fn: (admin: UserAdmin) => Promise<T>): Promise<T>;
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** Loads and validates every DAG file under `path` without touching the database. */
  validateDags(path: string): Promise<ValidationResult>;
  /** Applies pending database migrations. */
  migrateDb(): Promise<{ applied: string[] }>;
  /** Re-encrypts every stored secret from `oldKey` to `newKey`, in the database directly. */
  rotateSecretKey(oldKey: string, newKey: string): Promise<{ connections: number; variables: number }>;
  /** All of standard input as text (a secret piped to `variables set`). */
  readStdin(): Promise<string>;
  /** Deletes (or, dry, counts) history older than `before`, in batches, in the database directly. */
  cleanDb(opts: CleanRequest): Promise<CleanSummary>;
  /** Starts the API, scheduler and a worker (and the AWS emulator when no AWS is configured) as child processes; resolves when they stop. */
  start(): Promise<void>;
  /** Runs one worker serving these queues as a child process; resolves when it stops. */
  startWorker(queues: readonly string[]): Promise<void>;
  /** Waits between polls of `--wait` and `--follow`; tests pass one that returns at once. */
  sleep?(ms: number): Promise<void>;
  pollIntervalMs?: number;
}

export interface CleanRequest {
  before: Date;
  dagIds: string[] | null;
  dryRun: boolean;
  batchRuns: number;
  /** `s3://bucket/prefix`: write each batch's task logs there before deleting it. */
  archiveLogs: { bucket: string; prefix: string } | null;
}

export interface CleanSummary {
  runs: number;
  taskInstances: number;
  tries: number;
  logLines: number;
  outputs: number;
  callbacks: number;
  backfills: number;
  auditEvents: number;
  /** Old asset events no queue or run referred to. */
  assetEvents: number;
}

/** What every command module receives: the deps plus the helpers built from them. */
export type CommandContext = CliDeps & {
  out(text: string): void;
  sleep(ms: number): Promise<void>;
  pollIntervalMs: number;
};

/** Thrown by a command for bad usage or a bad argument the parser could not catch; exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown by a command whose work ran but did not succeed (a failed run, invalid DAGs); carries the exit code. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
  exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Argument parsers for commander: they throw InvalidArgumentError, which exits 2. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

export function isoDate(value: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new InvalidArgumentError('expected an ISO date, e.g. 2026-11-22T03:00:00Z');
  }
  return new Date(ms).toISOString();
}

const AGE = /^(\d+)(m|h|d|w)$/;
const AGE_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `--before`: an ISO date, or an age such as 90d, 12h, 2w (before now). */
export function dateOrAge(value: string, now: () => number = Date.now): Date {
  const age = AGE.exec(value);
  if (age) return new Date(now() - Number(age[1]) * AGE_MS[age[2] as keyof typeof AGE_MS]);
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new InvalidArgumentError('expected an ISO date (2026-09-01) or an age (90d, 12h, 2w, 30m)');
  return new Date(ms);
}
