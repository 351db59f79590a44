/** Shared by this package's tests: SDK clients pointed at an emulator, and polling. */
import { EMRClient } from '@aws-sdk/client-emr';
import { GlueClient } from '@aws-sdk/client-glue';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export function emrClient(url: string, maxAttempts = 1): EMRClient {
  return new EMRClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts });
}

export function glueClient(url: string, maxAttempts = 1): GlueClient {
  return new GlueClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts });
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number }; $fault?: string }> {
  try {
    await promise;
  } catch (raw) {
    if (raw instanceof Error) return raw;
    throw new Error(`rejected with a non-Error: ${String(raw)}`);
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Poll `probe` until it returns a defined value, or fail after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
