/**
 * `emr.createCluster`: RunJobFlow once per try, waits until the cluster is
 * WAITING or RUNNING and outputs `{ clusterId }`. The cluster carries the
 * try's marker in the tag `sluice:marker` and its name (`<name> [<marker>]`);
 * `start` adopts an active cluster of this task (this try's, or an earlier
 * try's still starting) found by ListClusters + DescribeCluster. `cancel`
 * terminates it, so a try that is timed out or cleared leaves no cluster.
 */
import {
  type ClusterSummary,
  type EMRClient,
  ListClustersCommand,
  RunJobFlowCommand,
  TerminateJobFlowsCommand,
} from '@aws-sdk/client-emr';
import { emrClientFor } from '../aws/clients';
import { classifyAwsError, rethrowForCancel, settle } from '../aws/errors';
import { clientRegion, emrClusterConsoleUrl, recordedRef, stringField, consoleLink, linkSuffix } from '../aws/refs';
import { compileOptions, resolveAwsSettings } from '../aws/settings';
import {
  adoptableMarkers,
  type ExternalContext,
  type ExternalOperator,
  type ExternalRef,
  type ExternalStatus,
} from '../external';
import { clusterReason, describeCluster, endedClusterStates, pollCluster } from './cluster-target';
import { CreateClusterOptions } from './options';
import { markedName, markerOfName } from './steps';

const TYPE = 'emr.cluster';
export const MARKER_TAG = 'sluice:marker';
const activeStates = ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING'] as const;
const MAX_LIST_PAGES = 20;

/** Active clusters whose name and `sluice:marker` tag carry one of `markers`, newest first. */
async function findTaskClusters(
  emr: EMRClient,
  markers: readonly string[],
): Promise<Array<{ id: string; marker: string }>> {
  const candidates: ClusterSummary[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
    const out = await emr.send(new ListClustersCommand({ ClusterStates: [...activeStates], Marker: marker }));
    candidates.push(...(out.Clusters ?? []).filter((c) => markers.includes(markerOfName(c.Name) ?? '')));
    marker = out.Marker;
    if (marker === undefined) break;
  }
  const found: Array<{ id: string; marker: string }> = [];
  for (const candidate of candidates) {
    if (candidate.Id === undefined) continue;
    const cluster = await describeCluster(emr, candidate.Id);
    const tag = cluster.Tags?.find((t) => t.Key === MARKER_TAG)?.Value;
    if (tag !== undefined && markers.includes(tag)) found.push({ id: candidate.Id, marker: tag });
  }
  return found;
}

async function check(emr: EMRClient, ref: ExternalRef, clusterId: string): Promise<ExternalStatus> {
  const cluster = await describeCluster(emr, clusterId);
  const state = cluster.Status?.State ?? 'UNKNOWN';
  const next = { ...ref, awsState: state };
  if (state === 'WAITING' || state === 'RUNNING') return { state: 'succeeded', ref: next, output: { clusterId } };
  if (state === 'TERMINATING' || endedClusterStates.has(state)) {
    return {
      state: 'failed',
      ref: next,
      retryable: true,
      error: {
        name: 'EmrClusterTerminated',
        message: `Cluster ${clusterId} is ${state} before it was ready: ${clusterReason(cluster)}`,
      },
    };
  }
  return { state: 'waiting', ref: next };
}

async function start(options: CreateClusterOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  let ref: ExternalRef = { type: TYPE, marker: ctx.marker };
  const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      const region = await clientRegion(emr);
      ref = { ...ref, region };
      const known = recordedRef(ctx, TYPE, ctx.marker);
      const knownId = known === undefined ? undefined : stringField(known, 'clusterId');
      if (known !== undefined && knownId !== undefined) return check(emr, { ...known }, knownId);

      const found = await findTaskClusters(emr, ctx.taskMarkers);
      const adoptable = adoptableMarkers(ctx);
      const adopted = found.find((c) => c.marker === ctx.marker) ?? found.find((c) => adoptable.includes(c.marker));
      if (adopted !== undefined) {
        ref = {
          ...ref,
          clusterId: adopted.id,
          consoleUrl: consoleLink(ctx.aws, emrClusterConsoleUrl(region, adopted.id)),
          phase: 'submitted',
          ...(adopted.marker !== ctx.marker && { adoptedFrom: adopted.marker }),
        };
        await ctx.record(ref);
        ctx.log(`adopting cluster ${adopted.id} (created by try marker ${adopted.marker})`);
        return check(emr, ref, adopted.id);
      }

      ref = { ...ref, phase: 'submitting', intentAt: new Date().toISOString() };
      await ctx.record(ref);
      const i = options.instances;
      const out = await emr.send(
        new RunJobFlowCommand({
          Name: markedName(options.name, ctx.marker),
          ReleaseLabel: options.releaseLabel,
          ...(options.logUri !== undefined && { LogUri: options.logUri }),
          ServiceRole: options.serviceRole,
          JobFlowRole: options.jobFlowRole,
          Applications: options.applications.map((Name) => ({ Name })),
          Instances: {
            MasterInstanceType: i.masterInstanceType,
            SlaveInstanceType: i.slaveInstanceType ?? i.masterInstanceType,
            InstanceCount: i.instanceCount,
            KeepJobFlowAliveWhenNoSteps: i.keepAlive,
            TerminationProtected: i.terminationProtected,
            ...(i.ec2SubnetId !== undefined && { Ec2SubnetId: i.ec2SubnetId }),
            ...(i.ec2KeyName !== undefined && { Ec2KeyName: i.ec2KeyName }),
          },
          Tags: [
            ...Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value })),
            { Key: MARKER_TAG, Value: ctx.marker },
          ],
          VisibleToAllUsers: true,
        }),
      );
      if (out.JobFlowId === undefined) throw new Error('RunJobFlow returned no JobFlowId');
      ref = {
        ...ref,
        phase: 'submitted',
        clusterId: out.JobFlowId,
        consoleUrl: consoleLink(ctx.aws, emrClusterConsoleUrl(region, out.JobFlowId)),
        awsState: 'STARTING',
      };
      await ctx.record(ref);
      ctx.log(`created cluster ${out.JobFlowId}${linkSuffix(ref)}`);
      return { state: 'waiting', ref };
    },
  );
}

/** Terminates a cluster; one already terminated or gone is fine. */
export async function terminate(emr: EMRClient, clusterId: string, log: (line: string) => void): Promise<void> {
  try {
    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
    log(`requested termination of cluster ${clusterId}`);
  } catch (raw) {
    const { transient, name, message } = classifyAwsError(raw);
    if (transient) rethrowForCancel(raw);
    if (name !== 'ValidationException' || !message.includes('not valid')) throw raw;
    log(`cluster ${clusterId} does not exist: nothing to terminate`);
  }
}

export const createClusterOperator: ExternalOperator<CreateClusterOptions> = {
  kind: 'emr.createCluster',
  compile: (options) => compileOptions('emr.createCluster', CreateClusterOptions, options),
  start,

  poll: pollCluster(start, check),

  async cancel(options, ref, ctx) {
    const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
    let clusterId = stringField(ref, 'clusterId');
    if (clusterId === undefined) {
      // Only the intent was recorded: find the cluster by the marker.
      try {
        clusterId = (await findTaskClusters(emr, [ref.marker]))[0]?.id;
      } catch (raw) {
        rethrowForCancel(raw);
      }
    }
    if (clusterId === undefined) {
      ctx.log(`no cluster of ${ref.marker} to terminate`);
      return { ended: true };
    }
    let state: string;
    try {
      state = (await describeCluster(emr, clusterId)).Status?.State ?? 'UNKNOWN';
    } catch (raw) {
      const { transient, name, message } = classifyAwsError(raw);
      if (transient || name !== 'InvalidRequestException') rethrowForCancel(raw);
      ctx.log(`cluster ${clusterId} does not exist: ${message}`);
      return { ended: true };
    }
    if (endedClusterStates.has(state)) {
      ctx.log(`cluster ${clusterId} is ${state}`);
      return { ended: true };
    }
    if (state === 'TERMINATING') ctx.log(`cluster ${clusterId} is TERMINATING`);
    else await terminate(emr, clusterId, ctx.log);
    return { ended: false };
  },
};
