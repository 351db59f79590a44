/**
 * External operators: tasks whose work runs elsewhere (an EMR step, a Glue
 * job run, a crawl). The worker calls `start` once per try, then — while
 * the task instance is `deferred` and holds no worker slot — `poll` from
 * delayed re-check jobs, and `cancel` when the try is cleared, timed out or
 * marked failed. Each call is short: no operator waits in-process.
 */
import { createHash } from 'node:crypto';
import type { RunContext } from '@sluice/core';

/** JSON only: stored on the task try and shown by the API/UI. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * What identifies the external job. Stored on the try as soon as it is
 * known (before the submit call, as an intent with just the marker), so a
 * later try or another worker can find and adopt it.
 */
export interface ExternalRef {
  /** e.g. `emr.step`, `emr.cluster`, `glue.jobRun`, `glue.crawl`. */
  type: string;
  /** Deterministic per (DAG, run, task, map index, try): see `markerFor`. */
  marker: string;
  /** The AWS state last seen, e.g. `RUNNING`. */
  awsState?: string;
  /** AWS console page for the job. */
  consoleUrl?: string;
  /** Service ids: clusterId, stepId, jobName, jobRunId, crawlerName, region… */
  [key: string]: Json | undefined;
}

export type ExternalStatus =
  /** `againMs`: when to look again, for a sensor that knows (a time sensor); default its poke interval or the adaptive delay. */
  | { state: 'waiting'; ref: ExternalRef; againMs?: number }
  | { state: 'succeeded'; ref: ExternalRef; output?: Json }
  /** `retryable: false` fails the try at once (ValidationException, AccessDenied, missing resource). */
  | { state: 'failed'; ref: ExternalRef; error: { name: string; message: string }; retryable: boolean };

/** AWS settings for one call: from the task's options, a named connection, or the SDK's default chain. */
export interface AwsSettings {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Role to assume (STS AssumeRole) before calling. */
  roleArn?: string;
  /**
   * The endpoint the SDK takes from the worker's AWS_ENDPOINT_URL when
   * `endpoint` is unset; read only to tell AWS from an emulator (console links).
   */
  environmentEndpoint?: string;
}

export interface ExternalContext {
  run: RunContext;
  /** Marker of this try; put it on what you submit (step name suffix, job argument). */
  marker: string;
  /** Markers of every try of this task in this run (1..tryNumber), oldest first: adopt a job carrying any of them that is still running. */
  taskMarkers: readonly string[];
  /**
   * Markers of earlier tries whose job was asked to stop (the try was
   * cleared, timed out or marked): their jobs are never adopted, even while
   * AWS still shows them running, since the cancel may not have reached AWS yet.
   */
  cancelledMarkers: readonly string[];
  /** What this try (or an earlier try of this task) recorded, newest first. */
  previousRefs: readonly ExternalRef[];
  /** Persists `ref` on the try. Call before the submit call (intent) and after it (ids). */
  record(ref: ExternalRef): Promise<void>;
  /** Outputs of the task's upstream tasks, by task id (e.g. a cluster id from create_cluster). */
  upstreamOutputs: ReadonlyMap<string, unknown>;
  aws: AwsSettings;
  log(line: string): void;
  signal: AbortSignal;
}

/** What a cancel call found: `ended` once AWS reports the job in a final state (CANCELLED, STOPPED, FAILED, COMPLETED…) or there is none. */
export interface CancelOutcome {
  ended: boolean;
}

export interface ExternalOperator<O = unknown> {
  kind: string;
  /** Validates the options stored in the DagSpec; throws InvalidOptionsError naming the option. */
  compile(options: unknown): O;
  /** Submits the job, or adopts one an earlier try or a crashed worker submitted. */
  start(options: O, ctx: ExternalContext): Promise<ExternalStatus>;
  /** Looks at the job again. */
  poll(options: O, ref: ExternalRef, ctx: ExternalContext): Promise<ExternalStatus>;
  /**
   * Stops what `ref` started (CancelSteps, BatchStopJobRun…). Idempotent; a
   * job already ended is fine. Called again until it says `ended`: AWS
   * reports the job in a final state (or there is none), so nothing of it runs on.
   */
  cancel(options: O, ref: ExternalRef, ctx: Pick<ExternalContext, 'aws' | 'log'>): Promise<CancelOutcome>;
}

/** Markers of earlier tries whose jobs a try may adopt: not its own (adopted whatever its state), not one being cancelled. */
export function adoptableMarkers(ctx: Pick<ExternalContext, 'marker' | 'taskMarkers' | 'cancelledMarkers'>): string[] {
  return ctx.taskMarkers.filter((m) => m !== ctx.marker && !ctx.cancelledMarkers.includes(m));
}

/** The marker of one try: the same on every worker and after any crash. */
export function markerFor(
  run: { dagId: string; runId: string; taskId: string; mapIndex?: number | undefined },
  tryNumber: number,
): string {
  // A mapped task's instance is its own job: its index is in the digest (an unmapped task's marker is as before).
  const task = (run.mapIndex ?? -1) >= 0 ? `${run.taskId}[${run.mapIndex}]` : run.taskId;
  const digest = createHash('sha256').update(`${run.dagId}\n${run.runId}\n${task}\n${tryNumber}`).digest('hex');
  return `sluice-${digest.slice(0, 20)}`;
}

const text = (v: Json | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * What a deferred try waits on, in words for its log: each EMR step and its
 * state, else the Glue run, crawler or cluster and the AWS state last seen.
 */
export function describeWait(ref: ExternalRef): string {
  const state = text(ref.awsState) ?? 'submitted';
  const steps = Array.isArray(ref['steps']) ? ref['steps'] : [];
  const described = steps.flatMap((s) =>
    typeof s === 'object' && s !== null && !Array.isArray(s)
      ? [`step ${text(s['stepId']) ?? text(s['name']) ?? '?'} ${text(s['state']) ?? 'UNKNOWN'}`]
      : [],
  );
  if (described.length > 0) return described.join(', ');
  const stepIds = Array.isArray(ref['stepIds']) ? ref['stepIds'].filter((s) => typeof s === 'string') : [];
  if (stepIds.length > 0) return `step${stepIds.length > 1 ? 's' : ''} ${stepIds.join(', ')} ${state}`;
  for (const [field, what] of [
    ['jobRunId', 'Glue run'],
    ['crawlerName', 'crawler'],
    ['clusterId', 'cluster'],
  ] as const) {
    const id = text(ref[field]);
    if (id !== null) return `${what} ${id} ${state}`;
  }
  return `${ref.type} ${state}`;
}
