/**
 * EMR, Glue and S3 clients. Throttling, 5xx and network errors are retried by the
 * SDK inside one operator call (`retryMode: 'adaptive'`, `maxAttempts`
 * default 6), so a brief AWS hiccup never uses up a task retry. `roleArn`
 * is assumed through STS; its credentials are cached until shortly before
 * they expire. Clients are reused per settings, so the adaptive rate limiter
 * sees every call a worker makes with them.
 *
 * Calls are not given the try's AbortSignal: the SDK's retry middleware
 * leaves an AbortError unhandled when a signal fires during a retry, which
 * would take a Node worker down. Each call is short, and the engine stops
 * waiting for an aborted try at once anyway.
 */
import { EMRClient } from '@aws-sdk/client-emr';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsClientSettings, DEFAULT_MAX_ATTEMPTS } from './settings';
import { withCallObserver } from './call-observer';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Assumed-role credentials are refreshed this long before they expire. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** Credentials of `settings.roleArn`, assumed with the base credentials (or the default chain), cached until near expiry. */
export function assumeRoleCredentials(settings: AwsClientSettings & { roleArn: string }): CredentialsProvider {
  let cached: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  const fresh = (): boolean =>
    cached !== undefined &&
    (cached.expiration === undefined || cached.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS > Date.now());
  const assume = async (): Promise<AwsCredentials> => {
    const sts = new STSClient({
      ...(settings.region !== undefined && { region: settings.region }),
      ...(settings.stsEndpoint !== undefined && { endpoint: settings.stsEndpoint }),
      ...(settings.credentials !== undefined && { credentials: settings.credentials }),
      maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: 'adaptive',
    });
    try {
      const out = await sts.send(
        new AssumeRoleCommand({ RoleArn: settings.roleArn, RoleSessionName: settings.roleSessionName ?? 'sluice' }),
      );
      const c = out.Credentials;
      if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
        throw new Error(`STS AssumeRole of ${settings.roleArn} returned no credentials`);
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken !== undefined && { sessionToken: c.SessionToken }),
        ...(c.Expiration !== undefined && { expiration: c.Expiration }),
      };
    } finally {
      sts.destroy();
    }
  };
  return async () => {
    if (fresh() && cached !== undefined) return cached;
    pending ??= assume()
      .then((creds) => {
        cached = creds;
        return creds;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

function clientConfig(settings: AwsClientSettings) {
  const credentials: AwsCredentials | CredentialsProvider | undefined =
    settings.roleArn !== undefined
      ? assumeRoleCredentials({ ...settings, roleArn: settings.roleArn })
      : settings.credentials;
  return {
    ...(settings.region !== undefined && { region: settings.region }),
    ...(settings.endpoint !== undefined && { endpoint: settings.endpoint }),
    ...(credentials !== undefined && { credentials }),
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'adaptive',
  };
}

/** A new EMR client for `settings`; unset fields come from the SDK's default chain. */
export function createEmrClient(settings: AwsClientSettings): EMRClient {
  return withCallObserver(new EMRClient(clientConfig(settings)), 'emr');
}

/** A new Glue client for `settings`; unset fields come from the SDK's default chain. */
export function createGlueClient(settings: AwsClientSettings): GlueClient {
  return withCallObserver(new GlueClient(clientConfig(settings)), 'glue');
}

/** A new S3 client for `settings`; path-style addressing at a custom endpoint (the emulator, MinIO). */
export function createS3Client(settings: AwsClientSettings): S3Client {
  return withCallObserver(
    new S3Client({ ...clientConfig(settings), forcePathStyle: settings.endpoint !== undefined }),
    's3',
  );
}

type AwsClient = EMRClient | GlueClient | S3Client;

const MAX_CACHED_CLIENTS = 32;
const cache = new Map<string, AwsClient>();

function cached<C extends AwsClient>(
  service: string,
  settings: AwsClientSettings,
  create: () => C,
  is: (c: unknown) => c is C,
): C {
  const key = JSON.stringify([
    service,
    settings.region,
    settings.endpoint,
    settings.credentials,
    settings.roleArn,
    settings.stsEndpoint,
    settings.roleSessionName,
    settings.maxAttempts,
  ]);
  const hit = cache.get(key);
  if (hit !== undefined && is(hit)) return hit;
  const client = create();
  if (cache.size >= MAX_CACHED_CLIENTS) {
    // Dropped, not destroyed: a call may still be using it; its idle sockets time out.
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, client);
  return client;
}

/** The shared EMR client for these settings (what the operators use). */
export function emrClientFor(settings: AwsClientSettings): EMRClient {
  return cached(
    'emr',
    settings,
    () => createEmrClient(settings),
    (c): c is EMRClient => c instanceof EMRClient,
  );
}

/** The shared Glue client for these settings (what the operators use). */
export function glueClientFor(settings: AwsClientSettings): GlueClient {
  return cached(
    'glue',
    settings,
    () => createGlueClient(settings),
    (c): c is GlueClient => c instanceof GlueClient,
  );
}

/** The shared S3 client for these settings (what the S3 sensors use). */
export function s3ClientFor(settings: AwsClientSettings): S3Client {
  return cached(
    's3',
    settings,
    () => createS3Client(settings),
    (c): c is S3Client => c instanceof S3Client,
  );
}
