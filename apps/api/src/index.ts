export { createApp } from './app';
export type { ApiDeps } from './app';
export { ApiConfig, loadConfig } from './config';
export { buildOpenApi, openApiPath, routeDocs } from './openapi';
export type { RouteDoc } from './openapi';
export { readHealth, healthHandler, STALE_AFTER_INTERVALS } from './health';
export { apiMetrics, startApiOps } from './ops';
