/**
 * Where a task's AWS settings come from: its own `aws` options (region,
 * endpoint, roleArn) first, then its named `connection`, then the SDK's
 * default chain (environment, profile, instance role) for whatever is unset.
 */
import { z } from 'zod';
import { NonRetryableError } from '@sluice/core';
import { readConnectionSettings, SecretKeyError, type Db } from '@sluice/db';
import type { AwsSettings } from '@sluice/operators';

/** The AWS-related options of a task: its own `aws` settings and its named connection. */
export const TaskAws = z.looseObject({
  aws: z
    .object({ region: z.string().optional(), endpoint: z.string().optional(), roleArn: z.string().optional() })
    .optional(),
  connection: z.string().optional(),
});

/** `environmentEndpoint`: the worker's AWS_ENDPOINT_URL, which the SDK uses where nothing else sets an endpoint. */
export function awsSettingsResolver(db: Db, secretKey: string | undefined, environmentEndpoint?: string) {
  return async (options: Record<string, unknown>): Promise<AwsSettings> => {
    const parsed = TaskAws.safeParse(options);
    if (!parsed.success)
      throw new NonRetryableError(`Invalid aws options: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    const settings: AwsSettings = environmentEndpoint === undefined ? {} : { environmentEndpoint };
    const name = parsed.data.connection;
    if (name) {
      let conn: Awaited<ReturnType<typeof readConnectionSettings>>;
      try {
        conn = await readConnectionSettings(db.prisma, name, secretKey);
      } catch (raw) {
        if (raw instanceof SecretKeyError) throw new NonRetryableError(raw.message);
        throw raw;
      }
      if (!conn) throw new NonRetryableError(`Connection "${name}" does not exist (sluice connections set ${name} …)`);
      if (conn.region) settings.region = conn.region;
      if (conn.endpoint) settings.endpoint = conn.endpoint;
      if (conn.roleArn) settings.roleArn = conn.roleArn;
      if (conn.credentials) settings.credentials = conn.credentials;
    }
    const own = parsed.data.aws ?? {};
    if (own.region) settings.region = own.region;
    if (own.endpoint) settings.endpoint = own.endpoint;
    if (own.roleArn) settings.roleArn = own.roleArn;
    return settings;
  };
}

/** Region, endpoint and credentials of an SNS notifier: its connection first, then its own region and endpoint. */
export function snsSettingsResolver(db: Db, secretKey: string | undefined) {
  const resolve = awsSettingsResolver(db, secretKey);
  return async (o: { region?: string | undefined; endpoint?: string | undefined; connection?: string | undefined }) => {
    const s = await resolve({
      aws: {
        ...(o.region ? { region: o.region } : {}),
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      },
      ...(o.connection ? { connection: o.connection } : {}),
    });
    return {
      ...(s.region ? { region: s.region } : {}),
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      ...(s.credentials ? { credentials: s.credentials } : {}),
    };
  };
}
