/** EMR records → the response shapes of the real API (timestamps in epoch seconds). */
import { epochSeconds } from '../protocol';
import type { EmrCluster, EmrStep } from './model';

export function clusterArn(cluster: EmrCluster): string {
  return `arn:aws:elasticmapreduce:${cluster.region}:000000000000:cluster/${cluster.id}`;
}

export function clusterStatusView(cluster: EmrCluster) {
  return {
    State: cluster.state,
    StateChangeReason:
      cluster.reason === undefined ? {} : { Code: cluster.reason.code, Message: cluster.reason.message },
    Timeline: {
      CreationDateTime: epochSeconds(cluster.createdAt),
      ReadyDateTime: epochSeconds(cluster.readyAt),
      EndDateTime: epochSeconds(cluster.endedAt),
    },
  };
}

export function clusterView(cluster: EmrCluster) {
  return {
    Id: cluster.id,
    Name: cluster.name,
    Status: clusterStatusView(cluster),
    LogUri: cluster.logUri,
    ReleaseLabel: cluster.releaseLabel,
    AutoTerminate: !cluster.keepAlive,
    TerminationProtected: cluster.terminationProtected,
    VisibleToAllUsers: true,
    Applications: cluster.applications.map((Name) => ({ Name })),
    Tags: cluster.tags,
    ServiceRole: cluster.serviceRole,
    NormalizedInstanceHours: 0,
    MasterPublicDnsName:
      cluster.readyAt === undefined ? undefined : `ec2-127-0-0-1.${cluster.region}.compute.amazonaws.com`,
    ClusterArn: clusterArn(cluster),
    StepConcurrencyLevel: 1,
  };
}

export function clusterSummaryView(cluster: EmrCluster) {
  return {
    Id: cluster.id,
    Name: cluster.name,
    Status: clusterStatusView(cluster),
    NormalizedInstanceHours: 0,
    ClusterArn: clusterArn(cluster),
  };
}

export function stepView(step: EmrStep) {
  return {
    Id: step.id,
    Name: step.name,
    Config: {
      Jar: step.jar,
      Args: step.args,
      MainClass: step.mainClass,
      Properties: step.properties,
    },
    ActionOnFailure: step.actionOnFailure,
    Status: {
      State: step.state,
      StateChangeReason: step.reasonMessage === undefined ? {} : { Message: step.reasonMessage },
      FailureDetails: step.failureDetails,
      Timeline: {
        CreationDateTime: epochSeconds(step.createdAt),
        StartDateTime: epochSeconds(step.startedAt),
        EndDateTime: epochSeconds(step.endedAt),
      },
    },
  };
}
