export { ShellOptions, ShellEnvValue, ShellCommandError, baseTaskEnv, compileShellOptions, runShell } from './shell';
export type { ShellRun } from './shell';
export { adoptableMarkers, describeWait, markerFor } from './external';
export type {
  Json,
  ExternalRef,
  ExternalStatus,
  ExternalContext,
  ExternalOperator,
  AwsSettings,
  CancelOutcome,
} from './external';
export { externalOperators } from './registry';
export { addStepsOperator } from './emr/add-steps';
export { createClusterOperator } from './emr/create-cluster';
export { terminateClusterOperator } from './emr/terminate-cluster';
export { stepSensorOperator, clusterSensorOperator } from './emr/sensors';
export {
  AddStepsOptions,
  CreateClusterOptions,
  TerminateClusterOptions,
  StepSensorOptions,
  ClusterSensorOptions,
} from './emr/options';
export { startJobRunOperator } from './glue/start-job-run';
export { crawlerOperator } from './glue/crawler';
export { jobRunSensorOperator } from './glue/job-run-sensor';
export {
  catalogPartitionSensorOperator,
  CatalogPartitionSensorOptions,
} from './glue/catalog-partition-sensor';
export { StartJobRunOptions, CrawlerOptions, JobRunSensorOptions } from './glue/options';
export { keySensorOperator, KeySensorOptions, patternRegExp } from './s3/key-sensor';
export { deltaSensorOperator, untilSensorOperator, DeltaSensorOptions, UntilSensorOptions } from './time/sensors';
export { DEFAULT_SENSOR, SensorOptions, SensorTimeoutError, nextLook } from './sensor';
export {
  TriggerDagOptions,
  DagRunSensorOptions,
  compileTriggerDagOptions,
  compileDagRunSensorOptions,
} from './sluice/cross-dag';
export { TransientAwsError, classifyAwsError } from './aws/errors';
export type { AwsErrorClass } from './aws/errors';
export { createEmrClient, createGlueClient, createS3Client, assumeRoleCredentials } from './aws/clients';
export { observeAwsCalls, traceAwsCalls, withCallObserver } from './aws/call-observer';
export type { AwsCall, AwsCallObserver } from './aws/call-observer';
export { AwsOptions, DEFAULT_MAX_ATTEMPTS, resolveAwsSettings } from './aws/settings';
export type { AwsClientSettings } from './aws/settings';
export { emrClusterConsoleUrl, glueJobRunConsoleUrl, glueCrawlerConsoleUrl } from './aws/refs';
