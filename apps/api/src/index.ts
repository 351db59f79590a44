export { createApp } from './app';
export type { ApiDeps } from './app';
export { ApiConfig, loadConfig } from './config';
