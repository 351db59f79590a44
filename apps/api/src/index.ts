export { createApp } from './app';
export type { ApiDeps } from './app';
export { ApiConfig, authSettings, isLoopback, loadConfig } from './config';
export { buildOpenApi, openApiPath, routeDocs } from './openapi';
export type { RouteDoc } from './openapi';
export { DEFAULT_AUTH, SESSION_COOKIE } from './auth/settings';
export type { AuthSettings } from './auth/settings';
export type { OidcSettings } from './auth/oidc';
