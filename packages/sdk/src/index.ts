/**
 * @sluice/sdk — what a DAG file imports. Pure: no Node built-ins, no zod; it
 * is bundled into every DAG file's bundle.
 *
 *   import { dag, fn, shell } from '@sluice/sdk';
 *   export const etl = dag({ id: 'daily_etl', schedule: '@daily', start: '2026-01-01' });
 *   const extract = etl.task('extract', fn(async (ctx) => ({ rows: 42 })));
 *   etl.task('report', { upstream: [extract] }, fn((ctx) => ctx.output(extract).rows));
 */
export { dag, Dag, registeredDags } from './dag';
export type { DagOptions } from './dag';
export { fn, shell, defineOperator } from './operator';
export type {
  FnOptions,
  OperatorDescriptor,
  OperatorDefinition,
  TaskFunction,
  ShellInput,
  VariableRef,
} from './operator';
export {
  callback,
  compileCallbacks,
  notify,
  CALLBACK_DEFAULT_RETRIES,
  CALLBACK_DEFAULT_TIMEOUT_MS,
} from './callbacks';
export type {
  CallbackContext,
  CallbackFunction,
  CallbackInput,
  CallbackSettings,
  CallbackWithSettings,
  CompiledCallbacks,
  Notifier,
  SecretValue,
  SlackInput,
  WebhookInput,
  EmailInput,
  SnsInput,
} from './callbacks';
export { createTaskContext, formatLogArgs, VariableNotFoundError } from './context';
export type {
  TaskRef,
  AnyTaskRef,
  OutputOf,
  TaskContext,
  TaskContextBase,
  MappedContext,
  TaskContextInput,
} from './context';
export { items } from './mapping';
export type { ItemOf, MapInput, MapItems, MappedOutput } from './mapping';
export { taskDefaults } from './task-options';
export type { DefaultArgs, TaskOptions, Upstream } from './task-options';
export type {
  BranchOptions,
  BranchRef,
  FullId,
  GroupOptions,
  GroupRef,
  MapOptions,
  ShortCircuitOptions,
  TaskBuilder,
  TeardownOptions,
} from './task-builder';
export { parseDuration } from './duration';
export type { Duration, DurationUnit } from './duration';
export { NonRetryableError, RetryAfterError, SkipTaskError } from '@sluice/core';
export { emr, glue } from './aws';
export { s3 } from './s3';
export { time } from './time';
export { triggerDag, dagRunSensor } from './cross-dag';
export type {
  DagRunSensorInput,
  DagRunSensorOutput,
  RunEndState,
  TaskState,
  TriggerDagInput,
  TriggerDagOutput,
} from './cross-dag';
export type { DeltaSensorInput, TimeSensorOutput, UntilSensorInput } from './time';
export type { KeySensorInput, PartitionSensorInput, S3KeySensorOutput } from './s3';
export { pokeOf, POKE_KEY } from './sensor';
export {
  asset,
  allOf,
  anyOf,
  withOutletEvents,
  outletEventsOf,
  OUTLET_EVENTS_KEY,
  MAX_OUTLET_EXTRA_BYTES,
} from './assets';
export type {
  Asset,
  AnyAsset,
  AssetConditionRef,
  AssetEvent,
  AssetMetadata,
  AssetScheduleInput,
  MetadataOf,
  WithOutletEvents,
} from './assets';
export type { CompiledSensor, Poke, SensorMode, SensorSettings } from './sensor';
export type {
  AwsTaskSettings,
  ClusterSource,
  ClusterTarget,
  EmrClusterOutput,
  EmrStepsOutput,
  GlueJobRunOutput,
  EmrStepInput,
  CreateClusterInput,
  AddStepsInput,
  TerminateClusterInput,
  StepSensorInput,
  ClusterSensorInput,
  ClusterState,
  StartJobRunInput,
  CrawlerInput,
  JobRunSensorInput,
  CatalogPartitionSensorInput,
} from './aws';
