/** Builders for DagSpec/TaskSpec in tests (`@sluice/core/test-fixtures`). Not exported from index.ts. */
import type { DagSpec, TaskSpec } from './dag-spec';

export function makeTask(taskId: string, overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    taskId,
    operator: { kind: 'shell', options: { command: `echo ${taskId}` } },
    upstream: [],
    triggerRule: 'all_success',
    retry: { retries: 0, retryDelayMs: 1000, exponentialBackoff: false, maxRetryDelayMs: null },
    executionTimeoutMs: null,
    pool: 'default_pool',
    priorityWeight: 1,
    poolSlots: 1,
    owner: null,
    doc: null,
    ...overrides,
  };
}

export function makeDag(overrides: Partial<DagSpec> = {}): DagSpec {
  return {
    dagId: 'example',
    description: null,
    schedule: '@daily',
    timezone: 'UTC',
    startDate: '2026-01-01T00:00:00.000Z',
    endDate: null,
    catchup: false,
    tags: [],
    owner: null,
    maxActiveRuns: 1,
    maxActiveTasks: 16,
    dagrunTimeoutMs: null,
    pausedOnCreation: false,
    confSchema: null,
    tasks: [makeTask('only')],
    ...overrides,
  };
}
