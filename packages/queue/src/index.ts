export {
  TaskRunJob,
  TaskCheckJob,
  TaskCancelJob,
  CallbackRunJob,
  callbackRunJobId,
  jobCatalog,
  parseJob,
  isJobName,
  taskRunJobId,
  taskCheckJobId,
  taskCancelJobId,
} from './jobs';
export type { JobName, JobPayload, JobHandlers } from './jobs';
export { createRedis, checkRedis, redactUrl } from './connection';
export type { RedisConnectionOptions } from './connection';
export { TaskQueue, createTaskWorker, bullQueueName, TASK_QUEUE_NAME } from './task-queue';
export type { QueuedRun, TaskQueueOptions, TaskWorkerOptions } from './task-queue';
