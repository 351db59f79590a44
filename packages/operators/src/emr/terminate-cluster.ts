/**
 * `emr.terminateCluster`: TerminateJobFlows, then waits for TERMINATED (or
 * TERMINATED_WITH_ERRORS). A cluster already terminated is a success, and so
 * is `clusterFrom` naming an upstream that recorded no output (create_cluster
 * failed or was skipped: there is nothing to clean up). Give the task the
 * trigger rule `all_done` so it runs whether the steps succeeded or not.
 * Terminating is idempotent, so `start` needs no marker and `cancel` does
 * nothing.
 */
import type { EMRClient } from '@aws-sdk/client-emr';
import { emrClientFor } from '../aws/clients';
import { settle } from '../aws/errors';
import { clientRegion, emrClusterConsoleUrl, invalidInput, consoleLink } from '../aws/refs';
import { compileOptions, resolveAwsSettings } from '../aws/settings';
import type { ExternalContext, ExternalOperator, ExternalRef, ExternalStatus } from '../external';
import { describeCluster, endedClusterStates, pollCluster, resolveClusterId } from './cluster-target';
import { terminate } from './create-cluster';
import { TerminateClusterOptions } from './options';

const TYPE = 'emr.terminate';

async function check(emr: EMRClient, ref: ExternalRef, clusterId: string): Promise<ExternalStatus> {
  const cluster = await describeCluster(emr, clusterId);
  const state = cluster.Status?.State ?? 'UNKNOWN';
  const next = { ...ref, awsState: state };
  if (endedClusterStates.has(state)) return { state: 'succeeded', ref: next, output: { clusterId, finalState: state } };
  return { state: 'waiting', ref: next };
}

async function start(options: TerminateClusterOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  let ref: ExternalRef = { type: TYPE, marker: ctx.marker };
  if (options.clusterFrom !== undefined && !ctx.upstreamOutputs.has(options.clusterFrom)) {
    ctx.log(`upstream task "${options.clusterFrom}" recorded no cluster: nothing to terminate`);
    return { state: 'succeeded', ref, output: { clusterId: null, finalState: null } };
  }
  const cluster = resolveClusterId(options, ctx.upstreamOutputs);
  if ('error' in cluster) return invalidInput(ref, cluster.error);
  const clusterId = cluster.value;
  const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      const region = await clientRegion(emr);
      ref = { ...ref, clusterId, region, consoleUrl: consoleLink(ctx.aws, emrClusterConsoleUrl(region, clusterId)) };
      const before = await check(emr, ref, clusterId);
      if (before.state === 'succeeded') return before;
      await terminate(emr, clusterId, ctx.log);
      ref = { ...before.ref, phase: 'submitted' };
      await ctx.record(ref);
      return check(emr, ref, clusterId);
    },
  );
}

export const terminateClusterOperator: ExternalOperator<TerminateClusterOptions> = {
  kind: 'emr.terminateCluster',
  compile: (options) => compileOptions('emr.terminateCluster', TerminateClusterOptions, options),
  start,

  poll: pollCluster(start, check),

  async cancel(_options, ref, ctx) {
    ctx.log(`terminating ${String(ref['clusterId'] ?? 'a cluster')} cannot be undone; leaving it to finish`);
    return { ended: true };
  },
};
