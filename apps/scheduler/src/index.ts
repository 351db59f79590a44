export { startScheduler } from './scheduler';
export type { RunningScheduler } from './scheduler';
export { SchedulerConfig, loadConfig } from './config';
