/**
 * Variables: named values tasks read. Every value is encrypted under
 * SLUICE_SECRET_KEY (the connections' AES-256-GCM) before it is stored;
 * a `secret` one is also never returned to the API (`readVariableViews`
 * masks it) and is masked in task logs by the worker that read it.
 *
 * A change and its audit event are one transaction: no change goes
 * unrecorded, and the event holds the key, never the value.
 */
import type { Pool } from 'pg';
import { SecretKeyError, decryptSecret, encryptSecret } from '../connections';
import { recordAuditEvent } from './audit';
import { type Queryable, rows, withTransaction } from './queryable';

/** What the API shows of a secret variable's value. */
export const MASKED_VALUE = '***';

export interface VariableInput {
  key: string;
  value: string;
  secret: boolean;
  description?: string | null | undefined;
}

/** A variable as the API shows it: a secret one's value is MASKED_VALUE. */
export interface VariableView {
  key: string;
  value: string;
  secret: boolean;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface VariableRow {
  key: string;
  value: string;
  secret: boolean;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'key, value, secret, description, created_at, updated_at';

function requireKey(secretKey: string | undefined, doing: string): string {
  if (!secretKey) throw new SecretKeyError(`Set SLUICE_SECRET_KEY on the API and workers to ${doing}`);
  return secretKey;
}

function present(row: VariableRow, secretKey: string | undefined): VariableView {
  return {
    key: row.key,
    value: row.secret ? MASKED_VALUE : decryptSecret(row.value, requireKey(secretKey, 'read variables')),
    secret: row.secret,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates or replaces a variable and records who did it; returns the view and whether it was new. */
export async function setVariable(
  pool: Pool,
  input: VariableInput,
  secretKey: string | undefined,
  actor: string,
): Promise<{ variable: VariableView; created: boolean }> {
  const stored = encryptSecret(input.value, requireKey(secretKey, 'store variables'));
  return withTransaction(pool, async (tx) => {
    const [row] = await rows<VariableRow & { created: boolean }>(
      tx,
      `INSERT INTO variable (key, value, secret, description) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE
         SET value = EXCLUDED.value, secret = EXCLUDED.secret, description = EXCLUDED.description,
             updated_at = CURRENT_TIMESTAMP
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [input.key, stored, input.secret, input.description ?? null],
    );
    if (!row) throw new Error(`storing variable "${input.key}" returned no row`);
    await recordAuditEvent(tx, {
      actor,
      action: 'variable_set',
      details: { key: input.key, secret: input.secret, created: row.created },
    });
    return { variable: present(row, secretKey), created: row.created };
  });
}

/** Deletes a variable and records who did it; false when there was none. */
export async function deleteVariable(pool: Pool, key: string, actor: string): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const res = await tx.query('DELETE FROM variable WHERE key = $1', [key]);
    if (res.rowCount === 0) return false;
    await recordAuditEvent(tx, { actor, action: 'variable_delete', details: { key } });
    return true;
  });
}

/** Every variable, by key, secret values masked. */
export async function listVariables(db: Queryable, secretKey: string | undefined): Promise<VariableView[]> {
  const found = await rows<VariableRow>(db, `SELECT ${COLUMNS} FROM variable ORDER BY key`);
  return found.map((r) => present(r, secretKey));
}

/** One variable, its value masked when secret; null when there is none. */
export async function findVariable(
  db: Queryable,
  key: string,
  secretKey: string | undefined,
): Promise<VariableView | null> {
  const [row] = await rows<VariableRow>(db, `SELECT ${COLUMNS} FROM variable WHERE key = $1`, [key]);
  return row ? present(row, secretKey) : null;
}

/**
 * For the worker: a variable's value decrypted, and whether it is secret
 * (the worker then masks it in the task's log); null when there is none.
 */
export async function readVariableValue(
  db: Queryable,
  key: string,
  secretKey: string | undefined,
): Promise<{ value: string; secret: boolean } | null> {
  const [row] = await rows<Pick<VariableRow, 'value' | 'secret'>>(
    db,
    'SELECT value, secret FROM variable WHERE key = $1',
    [key],
  );
  if (!row) return null;
  return {
    value: decryptSecret(row.value, requireKey(secretKey, `read variable "${key}"`)),
    secret: row.secret,
  };
}
