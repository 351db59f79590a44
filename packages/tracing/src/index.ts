export { startTracing } from './tracing';
export type { Tracing, TracingOptions } from './tracing';
export { runSpanId, runTraceId, taskInstanceSpanId, trySpanId } from './ids';
