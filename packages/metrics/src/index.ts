/** @sluice/metrics — Prometheus metrics and the operations endpoint every process serves. */
export { createMetrics, BoundedLabels } from './metrics';
export type { SluiceMetrics, ClusterProbe, PoolProbe } from './metrics';
export { probe, startOpsServer } from './ops-server';
export type { OpsServer, OpsServerOptions, Readiness } from './ops-server';
export { engineObserver, awsCallObserver } from './observer';
