/**
 * Span ids every process derives alike (ADR 18): a run's trace id and the
 * span ids of its run, task instances and tries come from their database
 * ids, so a process that never saw a span can still name it as a parent.
 */
import { createHash } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';

function hex(key: string, chars: number): string {
  return createHash('sha256').update(key).digest('hex').slice(0, chars);
}

export const runTraceId = (dagRunId: string): string => hex(`run:${dagRunId}`, 32);
export const runSpanId = (dagRunId: string): string => hex(`run-span:${dagRunId}`, 16);
export const taskInstanceSpanId = (taskInstanceId: string): string => hex(`task-instance:${taskInstanceId}`, 16);
export const trySpanId = (taskInstanceId: string, tryNumber: number): string =>
  hex(`try:${taskInstanceId}:${tryNumber}`, 16);

/**
 * Random ids, except for the span started inside `planned`: it gets the
 * ids given (the SDK asks for ids synchronously within startSpan).
 */
export class PlannedIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private next: { traceId?: string; spanId: string } | null = null;

  generateTraceId = (): string => this.next?.traceId ?? this.random.generateTraceId();
  generateSpanId = (): string => this.next?.spanId ?? this.random.generateSpanId();

  planned<T>(ids: { traceId?: string; spanId: string }, start: () => T): T {
    this.next = ids;
    try {
      return start();
    } finally {
      this.next = null;
    }
  }
}
