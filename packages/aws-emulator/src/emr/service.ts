/**
 * The EMR operations: each handler validates its input, works on the cluster
 * records (already advanced to the request time by the dispatcher) and answers
 * in the shape the SDK deserializes.
 */
import type { Durations } from '../clock';
import { clusterId, stepId } from '../ids';
import { type CallContext, type Handler, paginate, parseInput, ServiceError } from '../protocol';
import type { RuleBook, RuleMatch } from '../rules';
import {
  advanceCluster,
  closedClusterStates,
  type EmrCluster,
  type EmrStep,
  requestCancel,
  scheduleNextStep,
  type StepPlan,
  terminateCluster,
} from './model';
import {
  AddJobFlowStepsInput,
  CancelStepsInput,
  ClusterIdInput,
  DescribeStepInput,
  ListClustersInput,
  ListStepsInput,
  RunJobFlowInput,
  type StepConfig,
  TerminateJobFlowsInput,
} from './schemas';
import { clusterSummaryView, clusterView, stepView } from './views';

/** Scripts how matching steps end. `args` is matched against `<Jar> <Args...>` joined by spaces. */
export interface StepRule extends RuleMatch {
  /** Default `FAILED`. */
  outcome?: 'FAILED' | 'COMPLETED' | undefined;
  failureDetails?: { reason?: string; message?: string; logFile?: string } | undefined;
  /** How long the step runs instead of `stepRunMs`. */
  durationMs?: number | undefined;
}

const PAGE_SIZE = 50;

export class EmrService {
  private readonly clusters = new Map<string, EmrCluster>();

  constructor(
    private readonly durations: () => Durations,
    private readonly rules: RuleBook<StepRule>,
  ) {}

  advance(now: number): void {
    for (const cluster of this.clusters.values()) advanceCluster(cluster, now, this.durations());
  }

  list(): EmrCluster[] {
    return [...this.clusters.values()];
  }

  reset(): void {
    this.clusters.clear();
  }

  readonly handlers: Record<string, Handler> = {
    RunJobFlow: (raw, ctx) => {
      const input = parseInput(RunJobFlowInput, raw);
      const cluster: EmrCluster = {
        id: clusterId(),
        name: input.Name,
        region: ctx.region,
        releaseLabel: input.ReleaseLabel,
        logUri: input.LogUri,
        serviceRole: input.ServiceRole,
        jobFlowRole: input.JobFlowRole,
        applications: (input.Applications ?? []).flatMap((app) => (app.Name === undefined ? [] : [app.Name])),
        tags: (input.Tags ?? []).map((tag) => ({ Key: tag.Key, Value: tag.Value ?? '' })),
        keepAlive: input.Instances.KeepJobFlowAliveWhenNoSteps ?? false,
        terminationProtected: input.Instances.TerminationProtected ?? false,
        state: 'STARTING',
        reason: undefined,
        createdAt: ctx.now,
        readyAt: undefined,
        terminatingAt: undefined,
        endedAt: undefined,
        terminatesWithErrors: false,
        steps: [],
      };
      for (const config of input.Steps ?? []) cluster.steps.push(this.newStep(cluster, config, ctx));
      this.clusters.set(cluster.id, cluster);
      return {
        JobFlowId: cluster.id,
        ClusterArn: `arn:aws:elasticmapreduce:${ctx.region}:000000000000:cluster/${cluster.id}`,
      };
    },

    DescribeCluster: (raw) => {
      const input = parseInput(ClusterIdInput, raw);
      return { Cluster: clusterView(this.cluster(input.ClusterId)) };
    },

    ListClusters: (raw) => {
      const input = parseInput(ListClustersInput, raw);
      const states = input.ClusterStates === undefined ? undefined : new Set<string>(input.ClusterStates);
      const after = input.CreatedAfter === undefined ? undefined : input.CreatedAfter * 1000;
      const before = input.CreatedBefore === undefined ? undefined : input.CreatedBefore * 1000;
      const matching = [...this.clusters.values()]
        .filter((cluster) => states === undefined || states.has(cluster.state))
        .filter((cluster) => after === undefined || cluster.createdAt >= after)
        .filter((cluster) => before === undefined || cluster.createdAt <= before)
        .reverse();
      const { page, next } = paginate(matching, input.Marker, PAGE_SIZE);
      return { Clusters: page.map(clusterSummaryView), Marker: next };
    },

    TerminateJobFlows: (raw, ctx) => {
      const input = parseInput(TerminateJobFlowsInput, raw);
      const clusters = input.JobFlowIds.map((id) => {
        const cluster = this.clusters.get(id);
        if (cluster === undefined)
          throw new ServiceError('ValidationException', `Specified job flow ID not valid: ${id}`);
        return cluster;
      });
      if (clusters.some((cluster) => cluster.terminationProtected)) {
        throw new ServiceError(
          'ValidationException',
          'Could not shut down one or more job flows since they are termination protected.',
        );
      }
      for (const cluster of clusters) {
        if (!closedClusterStates.has(cluster.state)) {
          terminateCluster(cluster, ctx.now, 'USER_REQUEST', 'Terminated by user request', false);
        }
      }
      return {};
    },

    AddJobFlowSteps: (raw, ctx) => {
      const input = parseInput(AddJobFlowStepsInput, raw);
      const cluster = this.clusters.get(input.JobFlowId);
      if (cluster === undefined) {
        throw new ServiceError('ValidationException', `Specified job flow ID does not exist: ${input.JobFlowId}`);
      }
      if (closedClusterStates.has(cluster.state)) {
        throw new ServiceError(
          'ValidationException',
          'A job flow that is shutting down, terminated, or finished may not be modified.',
        );
      }
      const steps = input.Steps.map((config) => this.newStep(cluster, config, ctx));
      cluster.steps.push(...steps);
      scheduleNextStep(cluster, ctx.now);
      return { StepIds: steps.map((step) => step.id) };
    },

    ListSteps: (raw) => {
      const input = parseInput(ListStepsInput, raw);
      const cluster = this.cluster(input.ClusterId);
      const states = input.StepStates === undefined ? undefined : new Set<string>(input.StepStates);
      const ids = input.StepIds === undefined ? undefined : new Set(input.StepIds);
      const matching = cluster.steps
        .filter((step) => states === undefined || states.has(step.state))
        .filter((step) => ids === undefined || ids.has(step.id))
        .reverse();
      const { page, next } = paginate(matching, input.Marker, PAGE_SIZE);
      return { Steps: page.map(stepView), Marker: next };
    },

    DescribeStep: (raw) => {
      const input = parseInput(DescribeStepInput, raw);
      const cluster = this.cluster(input.ClusterId);
      const step = cluster.steps.find((candidate) => candidate.id === input.StepId);
      if (step === undefined)
        throw new ServiceError('InvalidRequestException', `Step id '${input.StepId}' is not valid.`);
      return { Step: stepView(step) };
    },

    CancelSteps: (raw, ctx) => {
      const input = parseInput(CancelStepsInput, raw);
      const cluster = this.cluster(input.ClusterId);
      const CancelStepsInfoList = input.StepIds.map((id) => {
        const step = cluster.steps.find((candidate) => candidate.id === id);
        if (step === undefined) return { StepId: id, Status: 'FAILED', Reason: `Step id '${id}' is not valid.` };
        if (!requestCancel(step, ctx.now)) {
          return { StepId: id, Status: 'FAILED', Reason: `Step is in ${step.state} state and cannot be cancelled.` };
        }
        return { StepId: id, Status: 'SUBMITTED' };
      });
      return { CancelStepsInfoList };
    },
  };

  private cluster(id: string): EmrCluster {
    const cluster = this.clusters.get(id);
    if (cluster === undefined) throw new ServiceError('InvalidRequestException', `Cluster id '${id}' is not valid.`);
    return cluster;
  }

  private newStep(cluster: EmrCluster, config: StepConfig, ctx: CallContext): EmrStep {
    const id = stepId();
    const jarStep = config.HadoopJarStep;
    const args = jarStep.Args ?? [];
    const plan = this.plan(cluster, id, config.Name, [jarStep.Jar, ...args].join(' '));
    return {
      id,
      name: config.Name,
      actionOnFailure: config.ActionOnFailure ?? 'TERMINATE_CLUSTER',
      jar: jarStep.Jar,
      args,
      mainClass: jarStep.MainClass,
      properties: Object.fromEntries((jarStep.Properties ?? []).map((entry) => [entry.Key, entry.Value ?? ''])),
      state: 'PENDING',
      createdAt: ctx.now,
      startedAt: undefined,
      endedAt: undefined,
      cancelRequestedAt: undefined,
      reasonMessage: undefined,
      failureDetails: undefined,
      plan,
    };
  }

  private plan(cluster: EmrCluster, id: string, name: string, args: string): StepPlan {
    const rule = this.rules.take(name, args);
    if (rule === undefined) return { outcome: 'COMPLETED', failureDetails: undefined, durationMs: undefined };
    const outcome = rule.outcome ?? 'FAILED';
    const logRoot = (cluster.logUri ?? 's3://aws-logs-000000000000-us-east-1/elasticmapreduce/').replace(/\/?$/, '/');
    return {
      outcome,
      durationMs: rule.durationMs,
      failureDetails:
        outcome === 'COMPLETED'
          ? undefined
          : {
              Reason: rule.failureDetails?.reason ?? 'Unknown Error.',
              Message: rule.failureDetails?.message ?? 'Step failed with exitCode 1.',
              LogFile: rule.failureDetails?.logFile ?? `${logRoot}${cluster.id}/steps/${id}/stderr.gz`,
            },
    };
  }
}
