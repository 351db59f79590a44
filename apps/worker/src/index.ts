export { startWorker } from './worker';
export type { RunningWorker } from './worker';
export { WorkerConfig, loadConfig } from './config';
export { createLocalRunner } from './local-runner';
export type { LocalRunner, LocalRunnerOptions, LocalTryInput } from './local-runner';
