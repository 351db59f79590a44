/**
 * Every AWS call the operators make, told to one observer (the worker's
 * metrics): service, operation, and the error code when it failed. A
 * middleware on each client sees the call once, after the SDK's own retries.
 * With a tracer set, each call is also a span, a child of whatever span is
 * current (the try that made it).
 */
import type { MiddlewareStack } from '@smithy/types';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';

export interface AwsCall {
  service: string;
  operation: string;
  /** The AWS error code (err.name) when the call failed; null when it succeeded. */
  error: string | null;
}

export type AwsCallObserver = (call: AwsCall) => void;

let observer: AwsCallObserver | null = null;
let tracer: Tracer | null = null;

/** Sets the one observer of AWS calls in this process (null to stop). */
export function observeAwsCalls(fn: AwsCallObserver | null): void {
  observer = fn;
}

/** Sets the tracer that makes a span of each AWS call (null: no spans, and no cost). */
export function traceAwsCalls(t: Tracer | null): void {
  tracer = t;
}

/** Any AWS SDK v3 client: its middleware stack (for its own input/output types) and its region. */
type Stack<I extends object, O extends object> = {
  middlewareStack: MiddlewareStack<I, O>;
  config: { region: unknown };
};

/** The request id AWS answered with, on an output or an error. */
function requestIdOf(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || !('$metadata' in x)) return undefined;
  const meta = x.$metadata;
  return typeof meta === 'object' && meta !== null && 'requestId' in meta && typeof meta.requestId === 'string'
    ? meta.requestId
    : undefined;
}

async function regionOf(client: { config: { region: unknown } }): Promise<string | undefined> {
  const r = client.config.region;
  const value: unknown = typeof r === 'function' ? await r() : r;
  return typeof value === 'string' ? value : undefined;
}

/** Adds the observing middleware to a client; returns the client. */
export function withCallObserver<C extends { config: { region: unknown } }, I extends object, O extends object>(
  client: C & Stack<I, O>,
  service: string,
): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation =
        typeof context.commandName === 'string' ? context.commandName.replace(/Command$/, '') : 'unknown';
      const span = tracer?.startSpan(`${service}.${operation}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation },
      });
      if (span) {
        const region = await regionOf(client);
        if (region !== undefined) span.setAttribute('cloud.region', region);
      }
      try {
        const out = await next(args);
        observer?.({ service, operation, error: null });
        const requestId = requestIdOf(out.output);
        if (requestId !== undefined) span?.setAttribute('aws.request_id', requestId);
        return out;
      } catch (raw) {
        const code = raw instanceof Error ? raw.name : 'Error';
        observer?.({ service, operation, error: code });
        if (span) {
          const requestId = requestIdOf(raw);
          if (requestId !== undefined) span.setAttribute('aws.request_id', requestId);
          span.setAttribute('error.type', code);
          span.setStatus({ code: SpanStatusCode.ERROR, message: raw instanceof Error ? raw.message : String(raw) });
        }
        throw raw;
      } finally {
        span?.end();
      }
    },
    { step: 'initialize', name: 'sluiceCallObserver' },
  );
  return client;
}
