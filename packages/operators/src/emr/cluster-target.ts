/** Finding the cluster an EMR task acts on, and reading its state. */
import { type Cluster, DescribeClusterCommand, type EMRClient } from '@aws-sdk/client-emr';
import { emrClientFor } from '../aws/clients';
import { settle } from '../aws/errors';
import { stringField, upstreamField } from '../aws/refs';
import { type AwsOptions, resolveAwsSettings } from '../aws/settings';
import type { ExternalContext, ExternalRef, ExternalStatus } from '../external';

export const closedClusterStates: ReadonlySet<string> = new Set([
  'TERMINATING',
  'TERMINATED',
  'TERMINATED_WITH_ERRORS',
]);
export const endedClusterStates: ReadonlySet<string> = new Set(['TERMINATED', 'TERMINATED_WITH_ERRORS']);

/** `clusterId`, or the clusterId in the output of upstream task `clusterFrom`. */
export function resolveClusterId(
  options: { clusterId?: string | undefined; clusterFrom?: string | undefined },
  upstreamOutputs: ReadonlyMap<string, unknown>,
): { value: string } | { error: string } {
  if (options.clusterId !== undefined) return { value: options.clusterId };
  if (options.clusterFrom !== undefined)
    return upstreamField(upstreamOutputs, options.clusterFrom, 'clusterId', 'clusterFrom');
  return { error: 'clusterId: no cluster given' };
}

export async function describeCluster(emr: EMRClient, clusterId: string): Promise<Cluster> {
  const out = await emr.send(new DescribeClusterCommand({ ClusterId: clusterId }));
  if (out.Cluster === undefined) throw new Error(`DescribeCluster ${clusterId} returned no cluster`);
  return out.Cluster;
}

/** `Code: Message` of a cluster's StateChangeReason, for failure messages. */
export function clusterReason(cluster: Cluster): string {
  const reason = cluster.Status?.StateChangeReason;
  const parts = [reason?.Code, reason?.Message].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(': ') : 'no reason given';
}

/**
 * The `poll` of an operator whose job is a cluster: look at the cluster the
 * ref names, or — with only an intent recorded — start over, which adopts.
 */
export function pollCluster<O extends { aws?: AwsOptions | undefined }>(
  start: (options: O, ctx: ExternalContext) => Promise<ExternalStatus>,
  check: (emr: EMRClient, ref: ExternalRef, clusterId: string) => Promise<ExternalStatus>,
): (options: O, ref: ExternalRef, ctx: ExternalContext) => Promise<ExternalStatus> {
  return async (options, ref, ctx) => {
    const clusterId = stringField(ref, 'clusterId');
    if (clusterId === undefined) return start(options, ctx);
    const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
    return settle(
      () => ref,
      ctx.signal,
      () => check(emr, ref, clusterId),
    );
  };
}
