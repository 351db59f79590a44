/**
 * @sluice/sdk/testing — run a DAG without a scheduler, a database or Redis.
 *
 *   import { testDag } from '@sluice/sdk/testing';
 *   const result = await testDag(etl, { logicalDate: '2026-11-21' });
 *   expect(result.output(transform).rows).toBe(52_113);
 */
export { testDag, UnrunnableTaskError } from './test-dag';
export type { TestDagOptions, DagTestResult, TaskStub } from './test-dag';
export { runDagLocally, runOneTaskLocally, localDataInterval, localLogicalDate } from './run-dag';
export type {
  OneTaskOptions,
  LocalRunOptions,
  LocalRunResult,
  LocalTaskResult,
  LocalTaskState,
  LocalTry,
} from './run-dag';
