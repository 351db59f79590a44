/**
 * What a task is given from the database: variables (`ctx.variable(name)`,
 * a shell task's `env: { NAME: { variable: 'key' } }`) and the AWS settings
 * of the connection a shell task names. Every secret handed over is
 * registered with the try (`req.maskSecret`) before the task can print it:
 * secret variables, connection credentials, and env values whose names
 * say SECRET, PASSWORD, TOKEN or KEY.
 */
import { NonRetryableError } from '@sluice/core';
import { readConnectionSettings, readVariableValue, SecretKeyError, type Db } from '@sluice/db';
import { isSensitiveName, type ExecutionRequest } from '@sluice/engine';
import type { ShellOptions } from '@sluice/operators';
import { VariableNotFoundError } from '@sluice/sdk';

/** A missing or wrong SLUICE_SECRET_KEY is not fixed by retrying: the try fails at once, saying so. */
async function withKeyErrors<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (raw) {
    if (raw instanceof SecretKeyError) throw new NonRetryableError(raw.message);
    throw raw;
  }
}

/** What of a try these functions use: where to register a secret for masking. */
type SecretSink = Pick<ExecutionRequest, 'maskSecret'>;

export interface TaskSecrets {
  /** A variable's value for the try (registered for masking when secret), or null when there is none. */
  readVariable(req: SecretSink, name: string): Promise<string | null>;
  /** A shell task's own env with variables read and its connection's AWS_* settings added. */
  shellEnv(req: SecretSink, options: ShellOptions): Promise<Record<string, string>>;
}

export function taskSecrets(db: Db, secretKey: string | undefined): TaskSecrets {
  const readVariable = async (req: SecretSink, name: string): Promise<string | null> => {
    const found = await withKeyErrors(readVariableValue(db.pool, name, secretKey));
    if (!found) return null;
    if (found.secret) req.maskSecret(found.value);
    return found.value;
  };

  const connectionEnv = async (req: SecretSink, name: string): Promise<Record<string, string>> => {
    const conn = await withKeyErrors(readConnectionSettings(db.prisma, name, secretKey));
    if (!conn) throw new NonRetryableError(`Connection "${name}" does not exist (sluice connections set ${name} …)`);
    const env: Record<string, string> = {};
    if (conn.region) {
      env.AWS_REGION = conn.region;
      env.AWS_DEFAULT_REGION = conn.region;
    }
    if (conn.endpoint) env.AWS_ENDPOINT_URL = conn.endpoint;
    const c = conn.credentials;
    if (c) {
      req.maskSecret(c.accessKeyId);
      req.maskSecret(c.secretAccessKey);
      env.AWS_ACCESS_KEY_ID = c.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = c.secretAccessKey;
      if (c.sessionToken) {
        req.maskSecret(c.sessionToken);
        env.AWS_SESSION_TOKEN = c.sessionToken;
      }
    }
    return env;
  };

  return {
    readVariable,
    async shellEnv(req, options) {
      const env = options.connection ? await connectionEnv(req, options.connection) : {};
      for (const [name, v] of Object.entries(options.env)) {
        let value: string;
        if (typeof v === 'string') value = v;
        else {
          const read = await readVariable(req, v.variable);
          if (read === null) throw new VariableNotFoundError(v.variable);
          value = read;
        }
        if (isSensitiveName(name)) req.maskSecret(value);
        env[name] = value;
      }
      return env;
    },
  };
}
