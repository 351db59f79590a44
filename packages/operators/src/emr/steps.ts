/**
 * EMR steps: the marker in step names, finding a task's steps on a cluster,
 * and turning step states into an ExternalStatus.
 */
import {
  CancelStepsCommand,
  DescribeStepCommand,
  type EMRClient,
  ListStepsCommand,
  type Step,
  type StepSummary,
} from '@aws-sdk/client-emr';
import type { ExternalRef, ExternalStatus, Json } from '../external';

export const activeStepStates: ReadonlySet<string> = new Set(['PENDING', 'CANCEL_PENDING', 'RUNNING']);
/** States of an earlier try's step that a retry may take over: a CANCEL_PENDING step is on its way to CANCELLED. */
const adoptableStepStates: ReadonlySet<string> = new Set(['PENDING', 'RUNNING', 'COMPLETED']);
export const failedStepStates: ReadonlySet<string> = new Set(['FAILED', 'CANCELLED', 'INTERRUPTED']);

/** How far back (before the earliest recorded intent) to look for steps: covers clock skew. */
const SCAN_MARGIN_MS = 60 * 60_000;
const MAX_SCAN_PAGES = 10;

/** `<name> [<marker>]`: how a step carries its try. */
export function markedName(name: string, marker: string): string {
  return `${name} [${marker}]`;
}

export function markerOfName(name: string | undefined): string | undefined {
  return name === undefined ? undefined : /\[(sluice-[0-9a-f]{20})\]$/.exec(name)?.[1];
}

/**
 * Steps on the cluster whose names carry one of `markers`, newest first. Reads
 * ListSteps pages (newest first) until they reach steps created before
 * `since` minus a margin, or 10 pages.
 */
export async function findMarkedSteps(
  emr: EMRClient,
  clusterId: string,
  markers: readonly string[],
  since: number,
): Promise<StepSummary[]> {
  const found: StepSummary[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_SCAN_PAGES; page += 1) {
    const out = await emr.send(new ListStepsCommand({ ClusterId: clusterId, Marker: marker }));
    const steps = out.Steps ?? [];
    for (const step of steps) {
      const m = markerOfName(step.Name);
      if (m !== undefined && markers.includes(m)) found.push(step);
    }
    const oldest = steps.at(-1)?.Status?.Timeline?.CreationDateTime;
    marker = out.Marker;
    if (marker === undefined || (oldest !== undefined && oldest.getTime() < since - SCAN_MARGIN_MS)) break;
  }
  return found;
}

export interface Adoption {
  marker: string;
  stepIds: string[];
}

/**
 * Which earlier submission this try takes over, if any: this try's own steps
 * (a worker crashed after submitting), whatever their state; else the newest
 * of the `olderMarkers` (earlier tries not being cancelled) whose steps are
 * all still pending/running/completed — none CANCEL_PENDING —, at least one
 * still going, and as many as this task submits. A COMPLETED step of an
 * earlier try alone is not adopted: the retry runs the work again.
 */
export function chooseAdoption(
  steps: readonly StepSummary[],
  marker: string,
  olderMarkers: readonly string[],
  stepCount: number,
): Adoption | undefined {
  const byMarker = new Map<string, StepSummary[]>();
  for (const step of steps) {
    const m = markerOfName(step.Name);
    if (m !== undefined) byMarker.set(m, [...(byMarker.get(m) ?? []), step]);
  }
  const idsOf = (group: readonly StepSummary[]): string[] =>
    [...group].reverse().flatMap((s) => (s.Id === undefined ? [] : [s.Id]));
  const own = byMarker.get(marker);
  if (own !== undefined) return { marker, stepIds: idsOf(own) };
  for (const older of [...olderMarkers].reverse()) {
    const group = byMarker.get(older);
    if (group === undefined || group.length !== stepCount) continue;
    const states = group.map((s) => s.Status?.State ?? '');
    if (states.every((s) => adoptableStepStates.has(s)) && states.some((s) => s !== 'COMPLETED')) {
      return { marker: older, stepIds: idsOf(group) };
    }
  }
  return undefined;
}

/** Requests cancellation of the steps that are still pending or running; finished ones are left alone. */
export async function cancelActiveSteps(
  emr: EMRClient,
  clusterId: string,
  steps: ReadonlyArray<{ Id?: string | undefined; Status?: { State?: string | undefined } | undefined }>,
): Promise<string[]> {
  // A CANCEL_PENDING step is already on its way: asking again changes nothing.
  const ids = steps.flatMap((s) =>
    s.Id !== undefined && ['PENDING', 'RUNNING'].includes(s.Status?.State ?? '') ? [s.Id] : [],
  );
  if (ids.length > 0) await emr.send(new CancelStepsCommand({ ClusterId: clusterId, StepIds: ids }));
  return ids;
}

export async function describeSteps(emr: EMRClient, clusterId: string, stepIds: readonly string[]): Promise<Step[]> {
  const steps: Step[] = [];
  for (const stepId of stepIds) {
    const out = await emr.send(new DescribeStepCommand({ ClusterId: clusterId, StepId: stepId }));
    if (out.Step === undefined) throw new Error(`DescribeStep ${stepId} returned no step`);
    steps.push(out.Step);
  }
  return steps;
}

/** Why a step failed or was stopped, as EMR says it; null while nothing went wrong. */
export function stepReason(step: Step): string | null {
  const details = step.Status?.FailureDetails;
  const parts = [details?.Reason, details?.Message].filter((p): p is string => typeof p === 'string' && p !== '');
  if (parts.length > 0) return parts.join(': ');
  return step.Status?.StateChangeReason?.Message ?? null;
}

/** `Step "load" (s-1) FAILED: Reason: Message (log: s3://…)`. */
export function stepFailureMessage(step: Step): string {
  const state = step.Status?.State ?? 'UNKNOWN';
  const details = step.Status?.FailureDetails;
  const why = stepReason(step) ?? 'no reason given';
  const log = details?.LogFile !== undefined ? ` (log: ${details.LogFile})` : '';
  return `Step "${step.Name ?? '?'}" (${step.Id ?? '?'}) ${state}: ${why}${log}`;
}

/** One state for the UI: RUNNING while any step runs, COMPLETED when all did, else the first unfinished step's. */
function overallState(states: readonly string[]): string {
  if (states.includes('RUNNING')) return 'RUNNING';
  return states.find((s) => s !== 'COMPLETED') ?? 'COMPLETED';
}

/**
 * All COMPLETED → succeeded with `{ clusterId, stepIds }`; any FAILED,
 * CANCELLED or INTERRUPTED → failed (retryable); else waiting.
 */
export function statusOfSteps(ref: ExternalRef, clusterId: string, steps: readonly Step[]): ExternalStatus {
  const states = steps.map((s) => s.Status?.State ?? 'UNKNOWN');
  const summary: Json = steps.map((s) => ({
    stepId: s.Id ?? null,
    name: s.Name ?? null,
    state: s.Status?.State ?? null,
    reason: stepReason(s),
  }));
  const failed = steps.find((s) => failedStepStates.has(s.Status?.State ?? ''));
  const next: ExternalRef = { ...ref, awsState: failed?.Status?.State ?? overallState(states), steps: summary };
  if (failed !== undefined) {
    return {
      state: 'failed',
      ref: next,
      retryable: true,
      error: { name: 'EmrStepFailed', message: stepFailureMessage(failed) },
    };
  }
  if (states.every((s) => s === 'COMPLETED')) {
    const stepIds = steps.flatMap((s) => (s.Id === undefined ? [] : [s.Id]));
    return { state: 'succeeded', ref: next, output: { clusterId, stepIds } };
  }
  return { state: 'waiting', ref: next };
}
