/**
 * Option builders for the AWS operators: `emr.*` and `glue.*`. Pure — they
 * only validate and store JSON; the worker's operators call AWS. Each
 * descriptor's output type is what downstream `ctx.output(ref)` returns.
 *
 *   const cluster = etl.task('create_cluster', emr.createCluster({ name: 'daily', releaseLabel: 'emr-7.2.0',
 *     instances: { masterInstanceType: 'm5.xlarge', instanceCount: 3 } }));
 *   const steps = etl.task('aggregate', { upstream: [cluster] }, emr.addSteps({ cluster, steps: [...] }));
 *   etl.task('terminate', { upstream: [cluster, steps], triggerRule: 'all_done' }, emr.terminateCluster({ cluster }));
 *
 * A ref passed as `cluster`, `steps` or `run` is stored as the task id whose
 * output is read at run time (`clusterFrom`, `stepFrom`, `runFrom`): list
 * that task in `upstream` too, or its output is not available to the task.
 */
import { InvalidOptionsError, glueWorkerTypes } from '@sluice/core';
import { checkInt, checkKnownKeys, checkObject, checkString, checkStringArray, isPlainObject } from './check';
import type { TaskRef } from './context';
import { describe } from './duration';
import { defineOperator } from './operator';
import { compileSensor, sensorKeys, type SensorSettings } from './sensor';

/** Per-task AWS settings; unset fields come from the task's connection, then the worker's default chain. */
export interface AwsTaskSettings {
  region?: string;
  /** e.g. the local emulator, `http://127.0.0.1:4566`. */
  endpoint?: string;
  /** Role assumed with STS before calling. */
  roleArn?: string;
  /** SDK attempts per call, with backoff on throttling/5xx (default 6). */
  maxAttempts?: number;
}

interface AwsCommon {
  aws?: AwsTaskSettings;
  /** A connection defined with `sluice connections set`. */
  connection?: string;
}

/** A task whose output carries a cluster id: emr.createCluster, emr.addSteps. */
export type ClusterSource = TaskRef<{ clusterId: string }>;
/** Give the cluster as a task ref (read at run time) or as an id. */
export type ClusterTarget = { cluster: ClusterSource; clusterId?: never } | { clusterId: string; cluster?: never };

export interface EmrClusterOutput {
  clusterId: string;
}
export interface EmrStepsOutput {
  clusterId: string;
  stepIds: string[];
}
export interface GlueJobRunOutput {
  jobRunId: string;
  executionTimeSeconds: number;
  dpuSeconds: number;
}

export interface EmrStepInput {
  /** Shown in the EMR console; Sluice appends ` [<marker>]` (at most 220 characters). */
  name: string;
  /** default `command-runner.jar` */
  jar?: string;
  args: string[];
  mainClass?: string;
  /** default `CONTINUE`: a failed step fails the task and Sluice cancels the task's other steps, but the cluster lives on. */
  actionOnFailure?: 'CONTINUE' | 'CANCEL_AND_WAIT' | 'TERMINATE_CLUSTER';
}

export interface CreateClusterInput extends AwsCommon {
  name: string;
  /** e.g. `emr-7.2.0` */
  releaseLabel: string;
  instances: {
    masterInstanceType: string;
    /** default: masterInstanceType */
    slaveInstanceType?: string;
    instanceCount: number;
    /** default true: the cluster waits for steps until emr.terminateCluster ends it. */
    keepAlive?: boolean;
    terminationProtected?: boolean;
    ec2SubnetId?: string;
    ec2KeyName?: string;
  };
  /** e.g. `['Hadoop', 'Hive', 'Spark']` */
  applications?: string[];
  tags?: Record<string, string>;
  logUri?: string;
  /** default `EMR_DefaultRole` */
  serviceRole?: string;
  /** default `EMR_EC2_DefaultRole` */
  jobFlowRole?: string;
}

export type AddStepsInput = AwsCommon & ClusterTarget & { steps: EmrStepInput[] };
export type TerminateClusterInput = AwsCommon & ClusterTarget;
export type StepSensorInput = AwsCommon &
  (
    | { steps: TaskRef<EmrStepsOutput>; stepId?: never; cluster?: ClusterSource; clusterId?: string }
    | ({ stepId: string; steps?: never } & ClusterTarget)
  );
export type ClusterState =
  | 'STARTING'
  | 'BOOTSTRAPPING'
  | 'RUNNING'
  | 'WAITING'
  | 'TERMINATING'
  | 'TERMINATED'
  | 'TERMINATED_WITH_ERRORS';
export type ClusterSensorInput = AwsCommon &
  ClusterTarget & { /** default WAITING, RUNNING */ targetStates?: ClusterState[] };

export interface StartJobRunInput extends AwsCommon {
  jobName: string;
  /** Job arguments, names starting with `--` (Sluice adds `--sluice-marker`). */
  arguments?: Record<string, string>;
  workerType?:
    | 'Standard'
    | 'G.1X'
    | 'G.2X'
    | 'G.4X'
    | 'G.8X'
    | 'G.12X'
    | 'G.16X'
    | 'G.025X'
    | 'Z.2X'
    | 'R.1X'
    | 'R.2X'
    | 'R.4X'
    | 'R.8X';
  /** Required with workerType. */
  numberOfWorkers?: number;
  timeoutMinutes?: number;
}
export interface CrawlerInput extends AwsCommon {
  crawlerName: string;
}
export type JobRunSensorInput = AwsCommon & { jobName: string } & (
    | { run: TaskRef<{ jobRunId: string }>; runId?: never }
    | { runId: string; run?: never }
  );

const commonKeys = ['aws', 'connection'] as const;
const clusterStates: readonly string[] = [
  'STARTING',
  'BOOTSTRAPPING',
  'RUNNING',
  'WAITING',
  'TERMINATING',
  'TERMINATED',
  'TERMINATED_WITH_ERRORS',
];
const workerTypes: readonly string[] = glueWorkerTypes;
const clusterIdPattern = { re: /^j-[A-Z0-9]+$/, hint: 'an EMR cluster id looks like j-2AXXXXXXGAPLF' };

type Label = (option: string) => string;
const labeller =
  (kind: string): Label =>
  (option) =>
    `${kind}() option ${option}`;

/** Reads the options every builder takes, with the allowed keys. */
function start(
  kind: string,
  input: unknown,
  keys: readonly string[],
): { raw: Record<string, unknown>; out: Record<string, unknown>; label: Label } {
  const label = labeller(kind);
  const raw = checkObject(input, `${kind}() options`);
  checkKnownKeys(raw, [...keys, ...commonKeys], label);
  return { raw, out: compileAwsCommon(raw, label), label };
}

/** The `aws` and `connection` options every AWS builder takes (the S3 sensors too). */
export function compileAwsCommon(raw: Record<string, unknown>, label: Label): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (raw['aws'] !== undefined) out['aws'] = awsSettings(raw['aws'], label('aws'));
  if (raw['connection'] !== undefined) out['connection'] = checkString(raw['connection'], label('connection'));
  return out;
}

function awsSettings(value: unknown, where: string): Record<string, unknown> {
  const raw = checkObject(value, where);
  checkKnownKeys(raw, ['region', 'endpoint', 'roleArn', 'maxAttempts'], (key) => `${where}.${key}`);
  const out: Record<string, unknown> = {};
  if (raw['region'] !== undefined)
    out['region'] = checkString(raw['region'], `${where}.region`, {
      re: /^[a-z]{2}(-[a-z]+)+-\d+$/,
      hint: 'a region looks like us-east-1',
    });
  if (raw['endpoint'] !== undefined)
    out['endpoint'] = checkString(raw['endpoint'], `${where}.endpoint`, {
      re: /^https?:\/\/\S+$/,
      hint: 'use an http(s) URL',
    });
  if (raw['roleArn'] !== undefined)
    out['roleArn'] = checkString(raw['roleArn'], `${where}.roleArn`, {
      re: /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
      hint: 'use an IAM role ARN',
    });
  if (raw['maxAttempts'] !== undefined)
    out['maxAttempts'] = checkInt(raw['maxAttempts'], `${where}.maxAttempts`, 1, 20);
  return out;
}

/** The task id of a TaskRef, for `<x>From`. */
function refTaskId(value: unknown, option: string): string {
  if (!isPlainObject(value) || typeof value['taskId'] !== 'string' || typeof value['dagId'] !== 'string') {
    throw new InvalidOptionsError(`${option} must be a task ref returned by dag.task(), got ${describe(value)}`);
  }
  return value['taskId'];
}

/** `cluster` (ref) → clusterFrom, or `clusterId`; exactly one unless `optional`. */
function clusterTarget(
  raw: Record<string, unknown>,
  out: Record<string, unknown>,
  label: Label,
  optional = false,
): void {
  const hasRef = raw['cluster'] !== undefined;
  const hasId = raw['clusterId'] !== undefined;
  if (hasRef && hasId) throw new InvalidOptionsError(`${label('cluster')}: give cluster or clusterId, not both`);
  if (hasRef) out['clusterFrom'] = refTaskId(raw['cluster'], label('cluster'));
  else if (hasId) out['clusterId'] = checkString(raw['clusterId'], label('clusterId'), clusterIdPattern);
  else if (!optional)
    throw new InvalidOptionsError(`${label('cluster')} is required: a create_cluster task ref, or clusterId`);
}

function name(value: unknown, option: string): string {
  const s = checkString(value, option);
  if (s.length > 220) throw new InvalidOptionsError(`${option} must be at most 220 characters, got ${s.length}`);
  return s;
}

function step(value: unknown, where: string): Record<string, unknown> {
  const raw = checkObject(value, where);
  checkKnownKeys(raw, ['name', 'jar', 'args', 'mainClass', 'actionOnFailure'], (key) => `${where}.${key}`);
  const out: Record<string, unknown> = {
    name: name(raw['name'], `${where}.name`),
    args: checkStringArray(raw['args'], `${where}.args`),
  };
  if (raw['jar'] !== undefined) out['jar'] = checkString(raw['jar'], `${where}.jar`);
  if (raw['mainClass'] !== undefined) out['mainClass'] = checkString(raw['mainClass'], `${where}.mainClass`);
  if (raw['actionOnFailure'] !== undefined)
    out['actionOnFailure'] = oneOf(
      raw['actionOnFailure'],
      ['CONTINUE', 'CANCEL_AND_WAIT', 'TERMINATE_CLUSTER'],
      `${where}.actionOnFailure`,
    );
  return out;
}

function oneOf(value: unknown, allowed: readonly string[], option: string): string {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InvalidOptionsError(`${option} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value;
}

function stringRecord(
  value: unknown,
  option: string,
  keyPattern?: { re: RegExp; hint: string },
): Record<string, string> {
  const raw = checkObject(value, option);
  for (const [key, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new InvalidOptionsError(`${option}.${key} must be a string, got ${describe(v)}`);
    if (keyPattern && !keyPattern.re.test(key))
      throw new InvalidOptionsError(`${option} key ${JSON.stringify(key)} is invalid: ${keyPattern.hint}`);
  }
  return { ...(raw as Record<string, string>) };
}

/** Starts an EMR cluster (kept alive by default) and outputs `{ clusterId }` once it is WAITING. */
const createCluster = defineOperator<CreateClusterInput, EmrClusterOutput>({
  kind: 'emr.createCluster',
  compile(input) {
    const keys = ['name', 'releaseLabel', 'instances', 'applications', 'tags', 'logUri', 'serviceRole', 'jobFlowRole'];
    const { raw, out, label } = start('emr.createCluster', input, keys);
    out['name'] = name(raw['name'], label('name'));
    out['releaseLabel'] = checkString(raw['releaseLabel'], label('releaseLabel'), {
      re: /^emr-\d+\.\d+\.\d+$/,
      hint: 'a release label looks like emr-7.2.0',
    });
    const where = label('instances');
    const inst = checkObject(raw['instances'], where);
    const instanceKeys = [
      'masterInstanceType',
      'slaveInstanceType',
      'instanceCount',
      'keepAlive',
      'terminationProtected',
      'ec2SubnetId',
      'ec2KeyName',
    ];
    checkKnownKeys(inst, instanceKeys, (key) => `${where}.${key}`);
    const instances: Record<string, unknown> = {
      masterInstanceType: checkString(inst['masterInstanceType'], `${where}.masterInstanceType`),
      instanceCount: checkInt(inst['instanceCount'], `${where}.instanceCount`, 1, 256),
    };
    for (const key of ['slaveInstanceType', 'ec2SubnetId', 'ec2KeyName']) {
      if (inst[key] !== undefined) instances[key] = checkString(inst[key], `${where}.${key}`);
    }
    for (const key of ['keepAlive', 'terminationProtected']) {
      if (inst[key] === undefined) continue;
      if (typeof inst[key] !== 'boolean')
        throw new InvalidOptionsError(`${where}.${key} must be true or false, got ${describe(inst[key])}`);
      instances[key] = inst[key];
    }
    out['instances'] = instances;
    if (raw['applications'] !== undefined)
      out['applications'] = checkStringArray(raw['applications'], label('applications'));
    if (raw['tags'] !== undefined) out['tags'] = stringRecord(raw['tags'], label('tags'));
    if (raw['logUri'] !== undefined)
      out['logUri'] = checkString(raw['logUri'], label('logUri'), { re: /^s3n?:\/\//, hint: 'use an s3:// URI' });
    for (const key of ['serviceRole', 'jobFlowRole'])
      if (raw[key] !== undefined) out[key] = checkString(raw[key], label(key));
    return out;
  },
});

/** Submits steps to a cluster once per try and waits for them; outputs `{ clusterId, stepIds }`. */
const addSteps = defineOperator<AddStepsInput, EmrStepsOutput>({
  kind: 'emr.addSteps',
  compile(input) {
    const { raw, out, label } = start('emr.addSteps', input, ['cluster', 'clusterId', 'steps']);
    clusterTarget(raw, out, label);
    const steps = raw['steps'];
    if (!Array.isArray(steps) || steps.length === 0 || steps.length > 256) {
      throw new InvalidOptionsError(`${label('steps')} must be an array of 1 to 256 steps, got ${describe(steps)}`);
    }
    out['steps'] = steps.map((s: unknown, i) => step(s, `${label('steps')}[${i}]`));
    return out;
  },
});

/**
 * Terminates a cluster and waits until it is TERMINATED. Give this task
 * `triggerRule: 'all_done'` so the cluster is ended whether the steps
 * succeeded or failed, and name the create_cluster task (listed in upstream),
 * not the steps task, which records no output when it fails. An upstream
 * that made no cluster is a no-op.
 */
const terminateCluster = defineOperator<TerminateClusterInput, { clusterId: string | null; finalState: string | null }>(
  {
    kind: 'emr.terminateCluster',
    compile(input) {
      const { raw, out, label } = start('emr.terminateCluster', input, ['cluster', 'clusterId']);
      clusterTarget(raw, out, label);
      return out;
    },
  },
);

/** Waits for steps submitted elsewhere: `steps` (an emr.addSteps ref) or `stepId` with the cluster. */
const stepSensor = defineOperator<StepSensorInput, EmrStepsOutput>({
  kind: 'emr.stepSensor',
  compile(input) {
    const { raw, out, label } = start('emr.stepSensor', input, ['cluster', 'clusterId', 'steps', 'stepId']);
    if ((raw['steps'] === undefined) === (raw['stepId'] === undefined))
      throw new InvalidOptionsError(`${label('steps')}: give steps (a task ref) or stepId`);
    if (raw['steps'] !== undefined) out['stepFrom'] = refTaskId(raw['steps'], label('steps'));
    else
      out['stepId'] = checkString(raw['stepId'], label('stepId'), {
        re: /^s-[A-Z0-9]+$/,
        hint: 'an EMR step id looks like s-1XXXXXXXXXXXX',
      });
    clusterTarget(raw, out, label, raw['steps'] !== undefined);
    return out;
  },
});

/** Waits until a cluster is in one of `targetStates` (default WAITING, RUNNING); fails if it terminates first. */
const clusterSensor = defineOperator<ClusterSensorInput, { clusterId: string; state: ClusterState }>({
  kind: 'emr.clusterSensor',
  compile(input) {
    const { raw, out, label } = start('emr.clusterSensor', input, ['cluster', 'clusterId', 'targetStates']);
    clusterTarget(raw, out, label);
    if (raw['targetStates'] !== undefined) {
      const states = checkStringArray(raw['targetStates'], label('targetStates'));
      if (states.length === 0) throw new InvalidOptionsError(`${label('targetStates')} must not be empty`);
      out['targetStates'] = states.map((s, i) => oneOf(s, clusterStates, `${label('targetStates')}[${i}]`));
    }
    return out;
  },
});

export const emr = { createCluster, addSteps, terminateCluster, stepSensor, clusterSensor };

/** Starts one Glue job run per try and waits for it; outputs `{ jobRunId, executionTimeSeconds, dpuSeconds }`. */
const startJobRun = defineOperator<StartJobRunInput, GlueJobRunOutput>({
  kind: 'glue.startJobRun',
  compile(input) {
    const { raw, out, label } = start('glue.startJobRun', input, [
      'jobName',
      'arguments',
      'workerType',
      'numberOfWorkers',
      'timeoutMinutes',
    ]);
    out['jobName'] = checkString(raw['jobName'], label('jobName'));
    if (raw['arguments'] !== undefined) {
      const args = stringRecord(raw['arguments'], label('arguments'), {
        re: /^--./,
        hint: 'Glue argument names start with --',
      });
      if ('--sluice-marker' in args)
        throw new InvalidOptionsError(`${label('arguments')}: --sluice-marker is set by Sluice`);
      out['arguments'] = args;
    }
    if ((raw['workerType'] === undefined) !== (raw['numberOfWorkers'] === undefined)) {
      throw new InvalidOptionsError(`${label('workerType')}: give workerType and numberOfWorkers together`);
    }
    if (raw['workerType'] !== undefined) out['workerType'] = oneOf(raw['workerType'], workerTypes, label('workerType'));
    if (raw['numberOfWorkers'] !== undefined)
      out['numberOfWorkers'] = checkInt(raw['numberOfWorkers'], label('numberOfWorkers'), 1);
    if (raw['timeoutMinutes'] !== undefined)
      out['timeoutMinutes'] = checkInt(raw['timeoutMinutes'], label('timeoutMinutes'), 1, 10_080);
    return out;
  },
});

/** Runs a crawler (or waits for the crawl already running) and fails if the crawl fails. */
const crawler = defineOperator<CrawlerInput, { crawlerName: string; status: string }>({
  kind: 'glue.crawler',
  compile(input) {
    const { raw, out, label } = start('glue.crawler', input, ['crawlerName']);
    out['crawlerName'] = checkString(raw['crawlerName'], label('crawlerName'));
    return out;
  },
});

/** Waits for a Glue job run started elsewhere: `run` (a glue.startJobRun ref) or `runId`. */
const jobRunSensor = defineOperator<JobRunSensorInput, GlueJobRunOutput>({
  kind: 'glue.jobRunSensor',
  compile(input) {
    const { raw, out, label } = start('glue.jobRunSensor', input, ['jobName', 'run', 'runId']);
    out['jobName'] = checkString(raw['jobName'], label('jobName'));
    if ((raw['run'] === undefined) === (raw['runId'] === undefined))
      throw new InvalidOptionsError(`${label('run')}: give run (a task ref) or runId`);
    if (raw['run'] !== undefined) out['runFrom'] = refTaskId(raw['run'], label('run'));
    else out['runId'] = checkString(raw['runId'], label('runId'));
    return out;
  },
});

export type CatalogPartitionSensorInput = AwsCommon &
  SensorSettings & {
    databaseName: string;
    tableName: string;
    /** A GetPartitions expression, e.g. `dt = '{{ ds }}' AND hour = '{{ hour }}'`. */
    expression: string;
  };

/** Waits until a Data Catalog table has a partition matching `expression`; outputs its `values`. */
const catalogPartitionSensor = defineOperator<CatalogPartitionSensorInput, { values: string[] }>({
  kind: 'glue.catalogPartitionSensor',
  compile(input) {
    const { raw, out, label } = start('glue.catalogPartitionSensor', input, [
      'databaseName',
      'tableName',
      'expression',
      ...sensorKeys,
    ]);
    out['databaseName'] = checkString(raw['databaseName'], label('databaseName'));
    out['tableName'] = checkString(raw['tableName'], label('tableName'));
    out['expression'] = checkString(raw['expression'], label('expression'));
    out['sensor'] = compileSensor(raw, label);
    return out;
  },
});

export const glue = { startJobRun, crawler, jobRunSensor, catalogPartitionSensor };
