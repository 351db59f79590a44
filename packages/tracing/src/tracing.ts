/**
 * OpenTelemetry traces of runs (ADR 18): run → task instance → try → AWS
 * call. A run's spans are made by several processes — the worker that ran
 * a try, the one that ended the run — and join one trace through ids
 * derived from the run, task instance and try (ids.ts). A try's span is
 * made when it ends, with its start; its AWS calls, made while it ran (in
 * this or an earlier process, for a deferred wait), already name it.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ClaimedTry, RunTrace } from '@sluice/db';
import type { EngineTracer } from '@sluice/engine';
import { PlannedIds, runSpanId, runTraceId, taskInstanceSpanId, trySpanId } from './ids';

export interface TracingOptions {
  /** Sluice's process: sluice-worker, sluice-scheduler. */
  serviceName: string;
  /** The collector's base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `<endpoint>/v1/traces` as OTLP http/protobuf. */
  endpoint?: string;
  /** Another exporter instead (tests: InMemorySpanExporter); its spans are handed over as each ends. */
  exporter?: SpanExporter;
}

export interface Tracing {
  engine: EngineTracer;
  /** The tracer AWS call spans come from (traceAwsCalls in @sluice/operators). */
  tracer: Tracer;
  /** Sends what is buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Starts the SDK, registered as the process's tracer provider and context manager. */
export function startTracing(opts: TracingOptions): Tracing {
  const ids = new PlannedIds();
  const processor: SpanProcessor = opts.exporter
    ? new SimpleSpanProcessor(opts.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${opts.endpoint?.replace(/\/$/, '') ?? ''}/v1/traces` }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    idGenerator: ids,
    spanProcessors: [processor],
  });
  provider.register();
  const tracer = provider.getTracer('sluice');
  return {
    engine: engineTracer(tracer, ids),
    tracer,
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

/** A span of another process (or one not made yet), named by its derived ids. */
function remoteParent(traceId: string, spanId: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

function engineTracer(tracer: Tracer, ids: PlannedIds): EngineTracer {
  const tryContext = (claim: ClaimedTry) =>
    remoteParent(runTraceId(claim.dagRunId), trySpanId(claim.taskInstanceId, claim.tryNumber));
  return {
    inTry: (claim, fn) => context.with(tryContext(claim), fn),

    tryEnded(t, end) {
      const parent = remoteParent(runTraceId(t.dagRunId), taskInstanceSpanId(t.taskInstanceId));
      const span = ids.planned({ spanId: trySpanId(t.taskInstanceId, t.tryNumber) }, () =>
        tracer.startSpan(
          `try ${t.taskId}#${t.tryNumber}`,
          {
            kind: SpanKind.CONSUMER,
            startTime: t.startedAt,
            attributes: {
              'sluice.dag_id': t.dagId,
              ...(t.runId !== null ? { 'sluice.run_id': t.runId } : {}),
              'sluice.dag_run_id': t.dagRunId,
              'sluice.task_id': t.taskId,
              'sluice.task_instance_id': t.taskInstanceId,
              'sluice.try_number': t.tryNumber,
              'sluice.max_tries': t.maxTries,
              'sluice.operator': t.operator,
              'sluice.state': end.state,
              'sluice.pool': end.pool,
              ...(end.hostname !== null ? { 'host.name': end.hostname } : {}),
            },
          },
          parent,
        ),
      );
      if (end.error) {
        span.setAttribute('error.type', end.error.name);
        span.setStatus({ code: SpanStatusCode.ERROR, message: end.error.message });
      }
      span.end(end.endedAt);
    },

    runEnded(run: RunTrace) {
      const traceId = runTraceId(run.id);
      const endedAt = run.endedAt ?? new Date();
      const runSpan = ids.planned({ traceId, spanId: runSpanId(run.id) }, () =>
        tracer.startSpan(
          `run ${run.dagId}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: run.queuedAt,
            attributes: {
              'sluice.dag_id': run.dagId,
              'sluice.run_id': run.runId,
              'sluice.dag_run_id': run.id,
              'sluice.run_type': run.runType,
              'sluice.state': run.state,
              ...(run.deadlineAt ? { 'sluice.deadline_at': run.deadlineAt.toISOString() } : {}),
              'sluice.deadline_missed': run.deadlineMissedAt !== null,
            },
          },
          ROOT_CONTEXT,
        ),
      );
      if (run.state === 'failed') runSpan.setStatus({ code: SpanStatusCode.ERROR });
      const parent = remoteParent(traceId, runSpanId(run.id));
      for (const ti of run.taskInstances) {
        const tiEnd = ti.endedAt ?? endedAt;
        const span = ids.planned({ spanId: taskInstanceSpanId(ti.id) }, () =>
          tracer.startSpan(
            `task ${ti.taskId}`,
            {
              kind: SpanKind.INTERNAL,
              startTime: ti.firstStartedAt ?? tiEnd,
              attributes: {
                'sluice.dag_id': run.dagId,
                'sluice.run_id': run.runId,
                'sluice.task_id': ti.taskId,
                'sluice.task_instance_id': ti.id,
                'sluice.state': ti.state,
                'sluice.tries': ti.tryNumber,
                'sluice.operator': ti.operator,
                'sluice.pool': ti.pool,
              },
            },
            parent,
          ),
        );
        if (ti.state === 'failed' || ti.state === 'upstream_failed') span.setStatus({ code: SpanStatusCode.ERROR });
        span.end(tiEnd);
      }
      runSpan.end(endedAt);
    },
  };
}
