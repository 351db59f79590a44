/**
 * Every AWS call the operators make, told to one observer (the worker's
 * metrics): service, operation, and the error code when it failed. A
 * middleware on each client sees the call once, after the SDK's own retries.
 */
import type { EMRClient } from '@aws-sdk/client-emr';

export interface AwsCall {
  service: string;
  operation: string;
  /** The AWS error code (err.name) when the call failed; null when it succeeded. */
  error: string | null;
}

export type AwsCallObserver = (call: AwsCall) => void;

let observer: AwsCallObserver | null = null;

/** Sets the one observer of AWS calls in this process (null to stop). */
export function observeAwsCalls(fn: AwsCallObserver | null): void {
  observer = fn;
}

type Stack = Pick<EMRClient, 'middlewareStack'>;

/** Adds the observing middleware to a client; returns the client. */
export function withCallObserver<C extends Stack>(client: C, service: string): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation =
        typeof context.commandName === 'string' ? context.commandName.replace(/Command$/, '') : 'unknown';
      try {
        const out = await next(args);
        observer?.({ service, operation, error: null });
        return out;
      } catch (raw) {
        observer?.({ service, operation, error: raw instanceof Error ? raw.name : 'Error' });
        throw raw;
      }
    },
    { step: 'initialize', name: 'sluiceCallObserver' },
  );
  return client;
}
