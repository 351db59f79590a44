/**
 * What a process calls at start: the OpenTelemetry SDK is loaded and
 * started only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise nothing
 * is imported or started, and the engine traces nothing (ADR 18).
 */
import type { Tracing } from './tracing';

export type { Tracing } from './tracing';

export async function openTracing(endpoint: string | undefined, serviceName: string): Promise<Tracing | null> {
  if (endpoint === undefined) return null;
  const { startTracing } = await import('./tracing');
  return startTracing({ endpoint, serviceName });
}
