export { startWorker } from './worker';
export type { RunningWorker } from './worker';
export { WorkerConfig, loadConfig } from './config';
