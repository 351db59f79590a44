/**
 * `emr.stepSensor` and `emr.clusterSensor`: watch steps or a cluster someone
 * else submitted (another task, or outside Sluice). Poll-only: `start` looks
 * once, `cancel` stops nothing.
 */
import type { EMRClient } from '@aws-sdk/client-emr';
import { emrClientFor } from '../aws/clients';
import { settle } from '../aws/errors';
import {
  clientRegion,
  emrClusterConsoleUrl,
  invalidInput,
  stringArrayField,
  stringField,
  upstreamField,
  upstreamList,
  consoleLink,
} from '../aws/refs';
import { compileOptions, resolveAwsSettings } from '../aws/settings';
import type { ExternalContext, ExternalOperator, ExternalRef, ExternalStatus } from '../external';
import { clusterReason, describeCluster, endedClusterStates, resolveClusterId } from './cluster-target';
import { ClusterSensorOptions, StepSensorOptions } from './options';
import { describeSteps, statusOfSteps } from './steps';

/** The cluster and steps a step sensor watches: options first, else the `stepFrom` output (`{ clusterId, stepIds }`). */
function stepTarget(
  options: StepSensorOptions,
  upstream: ReadonlyMap<string, unknown>,
): { clusterId: string; stepIds: string[] } | { error: string } {
  let stepIds: string[];
  if (options.stepId !== undefined) stepIds = [options.stepId];
  else {
    const from = options.stepFrom ?? '';
    if (!upstream.has(from))
      return {
        error: `stepFrom: upstream task "${from}" recorded no output (is it listed in upstream, and did it succeed?)`,
      };
    stepIds = upstreamList(upstream, from, 'stepIds');
    if (stepIds.length === 0) return { error: `stepFrom: the output of upstream task "${from}" has no stepIds` };
  }
  const cluster =
    options.clusterId !== undefined || options.clusterFrom !== undefined
      ? resolveClusterId(options, upstream)
      : upstreamField(upstream, options.stepFrom ?? '', 'clusterId', 'stepFrom');
  return 'error' in cluster ? cluster : { clusterId: cluster.value, stepIds };
}

async function checkSteps(emr: EMRClient, ref: ExternalRef): Promise<ExternalStatus> {
  const clusterId = stringField(ref, 'clusterId') ?? '';
  const status = statusOfSteps(ref, clusterId, await describeSteps(emr, clusterId, stringArrayField(ref, 'stepIds')));
  // Retrying a sensor would only see the same failed step again.
  return status.state === 'failed' ? { ...status, retryable: false } : status;
}

async function startStepSensor(options: StepSensorOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  let ref: ExternalRef = { type: 'emr.stepSensor', marker: ctx.marker };
  const target = stepTarget(options, ctx.upstreamOutputs);
  if ('error' in target) return invalidInput(ref, target.error);
  const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      const region = await clientRegion(emr);
      ref = {
        ...ref,
        ...target,
        region,
        consoleUrl: consoleLink(ctx.aws, emrClusterConsoleUrl(region, target.clusterId)),
      };
      return checkSteps(emr, ref);
    },
  );
}

export const stepSensorOperator: ExternalOperator<StepSensorOptions> = {
  kind: 'emr.stepSensor',
  compile: (options) => compileOptions('emr.stepSensor', StepSensorOptions, options),
  start: startStepSensor,
  async poll(options, ref, ctx) {
    if (stringField(ref, 'clusterId') === undefined) return startStepSensor(options, ctx);
    const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
    return settle(
      () => ref,
      ctx.signal,
      () => checkSteps(emr, ref),
    );
  },
  async cancel() {
    // A sensor submitted nothing.
    return { ended: true };
  },
};

async function checkCluster(emr: EMRClient, ref: ExternalRef, targets: readonly string[]): Promise<ExternalStatus> {
  const clusterId = stringField(ref, 'clusterId') ?? '';
  const cluster = await describeCluster(emr, clusterId);
  const state = cluster.Status?.State ?? 'UNKNOWN';
  const next = { ...ref, awsState: state };
  if (targets.includes(state)) return { state: 'succeeded', ref: next, output: { clusterId, state } };
  if (endedClusterStates.has(state)) {
    const message = `Cluster ${clusterId} ended ${state} (${clusterReason(cluster)}) without reaching ${targets.join(' or ')}`;
    return { state: 'failed', ref: next, retryable: false, error: { name: 'EmrClusterTerminated', message } };
  }
  return { state: 'waiting', ref: next };
}

async function startClusterSensor(options: ClusterSensorOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  let ref: ExternalRef = { type: 'emr.clusterSensor', marker: ctx.marker };
  const cluster = resolveClusterId(options, ctx.upstreamOutputs);
  if ('error' in cluster) return invalidInput(ref, cluster.error);
  const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      const region = await clientRegion(emr);
      ref = {
        ...ref,
        clusterId: cluster.value,
        region,
        consoleUrl: consoleLink(ctx.aws, emrClusterConsoleUrl(region, cluster.value)),
      };
      return checkCluster(emr, ref, options.targetStates);
    },
  );
}

export const clusterSensorOperator: ExternalOperator<ClusterSensorOptions> = {
  kind: 'emr.clusterSensor',
  compile: (options) => compileOptions('emr.clusterSensor', ClusterSensorOptions, options),
  start: startClusterSensor,
  async poll(options, ref, ctx) {
    if (stringField(ref, 'clusterId') === undefined) return startClusterSensor(options, ctx);
    const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
    return settle(
      () => ref,
      ctx.signal,
      () => checkCluster(emr, ref, options.targetStates),
    );
  },
  async cancel() {
    // A sensor submitted nothing.
    return { ended: true };
  },
};
