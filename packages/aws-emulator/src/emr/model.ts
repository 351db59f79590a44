/**
 * EMR clusters and steps as plain records, and the lazy state machine that
 * moves them. `advanceCluster(cluster, now)` applies every transition that was
 * due by `now`, each at the moment it was due, so the result is the same
 * whether it is called once or a thousand times along the way.
 *
 * Cluster: STARTING → BOOTSTRAPPING → RUNNING ⇄ WAITING → TERMINATING →
 *          TERMINATED | TERMINATED_WITH_ERRORS
 * Step:    PENDING → RUNNING → COMPLETED | FAILED,
 *          PENDING | RUNNING → CANCEL_PENDING → CANCELLED
 * One step runs at a time per cluster, in submission order.
 */
import type { Durations } from '../clock';

export type ClusterState =
  | 'STARTING'
  | 'BOOTSTRAPPING'
  | 'RUNNING'
  | 'WAITING'
  | 'TERMINATING'
  | 'TERMINATED'
  | 'TERMINATED_WITH_ERRORS';

export type StepState = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'CANCEL_PENDING' | 'CANCELLED' | 'FAILED' | 'INTERRUPTED';

export type ActionOnFailure = 'TERMINATE_JOB_FLOW' | 'TERMINATE_CLUSTER' | 'CANCEL_AND_WAIT' | 'CONTINUE';

export type ClusterReasonCode =
  | 'USER_REQUEST'
  | 'STEP_FAILURE'
  | 'ALL_STEPS_COMPLETED'
  | 'INTERNAL_ERROR'
  | 'VALIDATION_ERROR'
  | 'INSTANCE_FAILURE'
  | 'BOOTSTRAP_FAILURE';

export interface FailureDetails {
  Reason: string;
  Message: string;
  LogFile: string;
}

/** What a step will do when it runs, fixed when it is submitted. */
export interface StepPlan {
  outcome: 'COMPLETED' | 'FAILED';
  failureDetails: FailureDetails | undefined;
  /** Overrides `stepRunMs` for this step. */
  durationMs: number | undefined;
}

export interface EmrStep {
  id: string;
  name: string;
  actionOnFailure: ActionOnFailure;
  jar: string;
  args: string[];
  mainClass: string | undefined;
  properties: Record<string, string>;
  state: StepState;
  createdAt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  cancelRequestedAt: number | undefined;
  reasonMessage: string | undefined;
  failureDetails: FailureDetails | undefined;
  plan: StepPlan;
}

export interface EmrCluster {
  id: string;
  name: string;
  region: string;
  releaseLabel: string | undefined;
  logUri: string | undefined;
  serviceRole: string | undefined;
  jobFlowRole: string | undefined;
  applications: string[];
  tags: Array<{ Key: string; Value: string }>;
  keepAlive: boolean;
  terminationProtected: boolean;
  state: ClusterState;
  reason: { code: ClusterReasonCode; message: string } | undefined;
  createdAt: number;
  readyAt: number | undefined;
  terminatingAt: number | undefined;
  endedAt: number | undefined;
  terminatesWithErrors: boolean;
  steps: EmrStep[];
}

export const terminalStepStates: ReadonlySet<StepState> = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'INTERRUPTED']);

/** A cluster in these states accepts no new steps. */
export const closedClusterStates: ReadonlySet<ClusterState> = new Set([
  'TERMINATING',
  'TERMINATED',
  'TERMINATED_WITH_ERRORS',
]);

interface Transition {
  at: number;
  apply: () => void;
}

export function advanceCluster(cluster: EmrCluster, now: number, durations: Durations): void {
  for (;;) {
    const next = nextTransition(cluster, durations);
    if (next === undefined || next.at > now) return;
    next.apply();
  }
}

function earliest(candidates: Array<Transition | undefined>): Transition | undefined {
  let best: Transition | undefined;
  for (const candidate of candidates) {
    if (candidate !== undefined && (best === undefined || candidate.at < best.at)) best = candidate;
  }
  return best;
}

function nextTransition(cluster: EmrCluster, durations: Durations): Transition | undefined {
  return earliest([
    lifecycleTransition(cluster, durations),
    ...cluster.steps.map((step) => cancellation(cluster, step, durations)),
    stepCompletion(cluster, durations),
  ]);
}

function lifecycleTransition(cluster: EmrCluster, durations: Durations): Transition | undefined {
  switch (cluster.state) {
    case 'STARTING':
      return {
        at: cluster.createdAt + Math.floor(durations.clusterStartMs / 2),
        apply: () => {
          cluster.state = 'BOOTSTRAPPING';
        },
      };
    case 'BOOTSTRAPPING': {
      const at = cluster.createdAt + durations.clusterStartMs;
      return {
        at,
        apply: () => {
          cluster.readyAt = at;
          cluster.state = 'WAITING';
          scheduleNextStep(cluster, at);
        },
      };
    }
    case 'TERMINATING': {
      const at = (cluster.terminatingAt ?? cluster.createdAt) + durations.clusterTerminateMs;
      return {
        at,
        apply: () => {
          cluster.state = cluster.terminatesWithErrors ? 'TERMINATED_WITH_ERRORS' : 'TERMINATED';
          cluster.endedAt = at;
        },
      };
    }
    case 'RUNNING':
    case 'WAITING':
    case 'TERMINATED':
    case 'TERMINATED_WITH_ERRORS':
      return undefined;
  }
}

function cancellation(cluster: EmrCluster, step: EmrStep, durations: Durations): Transition | undefined {
  if (step.state !== 'CANCEL_PENDING' || step.cancelRequestedAt === undefined) return undefined;
  const at = step.cancelRequestedAt + durations.stepCancelMs;
  return {
    at,
    apply: () => {
      endStep(step, 'CANCELLED', at, step.reasonMessage ?? 'Cancelled by user request');
      scheduleNextStep(cluster, at);
    },
  };
}

function stepCompletion(cluster: EmrCluster, durations: Durations): Transition | undefined {
  const step = cluster.steps.find((candidate) => candidate.state === 'RUNNING');
  if (step === undefined || step.startedAt === undefined) return undefined;
  const at = step.startedAt + (step.plan.durationMs ?? durations.stepRunMs);
  return {
    at,
    apply: () => {
      if (step.plan.outcome === 'COMPLETED') {
        endStep(step, 'COMPLETED', at, undefined);
        scheduleNextStep(cluster, at);
        return;
      }
      endStep(step, 'FAILED', at, undefined);
      step.failureDetails = step.plan.failureDetails;
      onStepFailure(cluster, step, at);
    },
  };
}

function onStepFailure(cluster: EmrCluster, step: EmrStep, at: number): void {
  switch (step.actionOnFailure) {
    case 'CONTINUE':
      scheduleNextStep(cluster, at);
      return;
    case 'CANCEL_AND_WAIT':
      cancelPendingSteps(cluster, at, `Cancelled because step ${step.id} failed`);
      scheduleNextStep(cluster, at);
      return;
    case 'TERMINATE_CLUSTER':
    case 'TERMINATE_JOB_FLOW':
      terminateCluster(cluster, at, 'STEP_FAILURE', 'Shut down as step failed', true);
      return;
  }
}

function endStep(step: EmrStep, state: StepState, at: number, reason: string | undefined): void {
  step.state = state;
  step.endedAt = at;
  if (reason !== undefined) step.reasonMessage = reason;
}

function cancelPendingSteps(cluster: EmrCluster, at: number, reason: string): void {
  for (const step of cluster.steps) {
    if (step.state === 'PENDING') endStep(step, 'CANCELLED', at, reason);
  }
}

/**
 * Called whenever the cluster's step slot may have become free: start the
 * oldest pending step, or go idle — WAITING if the cluster is kept alive,
 * otherwise shut down.
 */
export function scheduleNextStep(cluster: EmrCluster, at: number): void {
  if (cluster.readyAt === undefined || closedClusterStates.has(cluster.state)) return;
  const busy = cluster.steps.some(
    (step) => step.state === 'RUNNING' || (step.state === 'CANCEL_PENDING' && step.startedAt !== undefined),
  );
  if (busy) return;
  const next = cluster.steps.find((step) => step.state === 'PENDING');
  if (next !== undefined) {
    next.state = 'RUNNING';
    next.startedAt = at;
    cluster.state = 'RUNNING';
    return;
  }
  if (cluster.steps.some((step) => step.state === 'CANCEL_PENDING')) {
    cluster.state = 'WAITING';
    return;
  }
  if (cluster.keepAlive) {
    cluster.state = 'WAITING';
    return;
  }
  const failed = cluster.steps.some((step) => step.state === 'FAILED');
  if (failed) {
    terminateCluster(cluster, at, 'STEP_FAILURE', 'Steps completed with errors', true);
  } else {
    terminateCluster(cluster, at, 'ALL_STEPS_COMPLETED', 'Steps completed', false);
  }
}

/** TERMINATING now; every step not yet finished is cancelled. */
export function terminateCluster(
  cluster: EmrCluster,
  at: number,
  code: ClusterReasonCode,
  message: string,
  withErrors: boolean,
): void {
  for (const step of cluster.steps) {
    if (!terminalStepStates.has(step.state)) endStep(step, 'CANCELLED', at, 'Job terminated');
  }
  cluster.state = 'TERMINATING';
  cluster.terminatingAt = at;
  cluster.terminatesWithErrors = withErrors;
  cluster.reason = { code, message };
}

/** Ask for a pending or running step to be cancelled; false if it is past that. */
export function requestCancel(step: EmrStep, at: number): boolean {
  if (step.state !== 'PENDING' && step.state !== 'RUNNING') return false;
  step.state = 'CANCEL_PENDING';
  step.cancelRequestedAt = at;
  return true;
}
