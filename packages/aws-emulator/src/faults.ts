import { ServiceError } from './protocol';

export type Service = 'emr' | 'glue';

/**
 * Make the next `count` calls of an operation fail before they reach the
 * service: `throttle` answers 400 ThrottlingException (what EMR and Glue send
 * when a rate limit trips), `internal` answers 500 with the service's internal
 * error code, `error` answers whatever `code`/`status` you give. With
 * `durationMs`, every call fails for that long instead (an outage), counted
 * on the emulator's clock from when the fault is injected.
 */
export interface FaultSpec {
  /** Operation name (`AddJobFlowSteps`), full target (`AWSGlue.StartJobRun`), or `*` for every call. */
  operation: string;
  kind: 'throttle' | 'internal' | 'error';
  /** How many calls to fail; default 1 (unlimited with `durationMs`). */
  count?: number | undefined;
  /** Fail every call for this long (ms) from now, however many there are. */
  durationMs?: number | undefined;
  /** For `error`: the AWS error code, e.g. `InvalidRequestException`. */
  code?: string | undefined;
  /** For `error`: the HTTP status; default 400. */
  status?: number | undefined;
  message?: string | undefined;
}

export interface ActiveFault {
  operation: string;
  kind: FaultSpec['kind'];
  remaining: number;
  /** Epoch ms after which the fault is gone (`durationMs`); undefined for a count. */
  until: number | undefined;
  code: string | undefined;
  status: number | undefined;
  message: string | undefined;
}

const internalCode: Record<Service, string> = {
  emr: 'InternalServerError',
  glue: 'InternalServiceException',
};

export class FaultInjector {
  private faults: ActiveFault[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  add(spec: FaultSpec): void {
    if (spec.durationMs !== undefined && !(Number.isFinite(spec.durationMs) && spec.durationMs > 0)) {
      throw new RangeError(`durationMs must be a positive number, got ${spec.durationMs}`);
    }
    const count = spec.count ?? (spec.durationMs === undefined ? 1 : Number.POSITIVE_INFINITY);
    if ((!Number.isInteger(count) && count !== Number.POSITIVE_INFINITY) || count < 1) {
      throw new RangeError(`count must be a positive integer, got ${count}`);
    }
    if (spec.kind === 'error' && spec.code === undefined) {
      throw new RangeError('a fault of kind "error" needs a code');
    }
    this.faults.push({
      operation: spec.operation,
      kind: spec.kind,
      remaining: count,
      until: spec.durationMs === undefined ? undefined : this.now() + spec.durationMs,
      code: spec.code,
      status: spec.status,
      message: spec.message,
    });
  }

  /** The error this call must fail with, if a fault is armed for it (uses one). */
  take(service: Service, target: string, operation: string): ServiceError | undefined {
    const now = this.now();
    this.faults = this.faults.filter((fault) => fault.until === undefined || fault.until > now);
    const index = this.faults.findIndex(
      (fault) => fault.operation === '*' || fault.operation === operation || fault.operation === target,
    );
    const fault = this.faults[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults.splice(index, 1);
    switch (fault.kind) {
      case 'throttle':
        return new ServiceError('ThrottlingException', fault.message ?? 'Rate exceeded', fault.status ?? 400);
      case 'internal':
        return new ServiceError(
          internalCode[service],
          fault.message ?? 'An internal error occurred.',
          fault.status ?? 500,
        );
      case 'error':
        return new ServiceError(
          fault.code ?? 'InternalFailure',
          fault.message ?? 'Injected error',
          fault.status ?? 400,
        );
    }
  }

  list(): ActiveFault[] {
    const now = this.now();
    return this.faults.filter((fault) => fault.until === undefined || fault.until > now).map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }
}
