/**
 * What the deployment looks like now, for metrics read at scrape time: jobs
 * in the task queue by state, task instances by unfinished state, the
 * oldest queued try, import errors, the scheduler heartbeat's age.
 */
import { readClusterCounts, type ClusterCounts } from '@sluice/db';
import { TASK_QUEUE_NAME } from '@sluice/queue';
import type { EngineResources } from './resources';

export interface ClusterProbe {
  queueName: string;
  queueJobs(): Promise<Array<{ queue: string; state: string; count: number }>>;
  counts(): Promise<ClusterCounts>;
}

export function clusterProbe(res: EngineResources): ClusterProbe {
  return {
    queueName: TASK_QUEUE_NAME,
    counts: () => readClusterCounts(res.pool),
    queueJobs: async () => {
      const counts = await res.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
      return Object.entries(counts).map(([state, count]) => ({ queue: TASK_QUEUE_NAME, state, count }));
    },
  };
}
