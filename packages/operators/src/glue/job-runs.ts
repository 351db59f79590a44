/** Glue job runs: reading one, finding a task's runs by marker, and turning a run into an ExternalStatus. */
import {
  BatchStopJobRunCommand,
  GetJobRunCommand,
  GetJobRunsCommand,
  type GlueClient,
  type JobRun,
} from '@aws-sdk/client-glue';
import type { ExternalRef, ExternalStatus } from '../external';
import { MARKER_ARGUMENT } from './options';

export const activeRunStates: ReadonlySet<string> = new Set(['STARTING', 'RUNNING', 'WAITING', 'STOPPING']);
export const failedRunStates: ReadonlySet<string> = new Set(['FAILED', 'TIMEOUT', 'ERROR', 'STOPPED', 'EXPIRED']);

const SCAN_MARGIN_MS = 60 * 60_000;
const MAX_SCAN_PAGES = 5;

export async function getJobRun(glue: GlueClient, jobName: string, runId: string): Promise<JobRun> {
  const out = await glue.send(new GetJobRunCommand({ JobName: jobName, RunId: runId }));
  if (out.JobRun === undefined) throw new Error(`GetJobRun ${runId} returned no run`);
  return out.JobRun;
}

/** Runs of `jobName` whose `--sluice-marker` argument is one of `markers`, newest first; stops paging at runs started well before `since`. */
export async function findMarkedRuns(
  glue: GlueClient,
  jobName: string,
  markers: readonly string[],
  since: number,
): Promise<JobRun[]> {
  const found: JobRun[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_SCAN_PAGES; page += 1) {
    const out = await glue.send(new GetJobRunsCommand({ JobName: jobName, MaxResults: 200, NextToken: token }));
    const runs = out.JobRuns ?? [];
    found.push(...runs.filter((r) => markers.includes(r.Arguments?.[MARKER_ARGUMENT] ?? '')));
    const oldest = runs.at(-1)?.StartedOn;
    token = out.NextToken;
    if (token === undefined || (oldest !== undefined && oldest.getTime() < since - SCAN_MARGIN_MS)) break;
  }
  return found;
}

/**
 * The run this try takes over: its own (any state: a worker crashed after
 * StartJobRun), else the newest earlier try's that is still starting or
 * running, among `olderMarkers` (earlier tries not being cancelled). A run
 * of an earlier try that is STOPPING was cancelled and is not adopted.
 */
export function chooseRun(
  runs: readonly JobRun[],
  marker: string,
  olderMarkers: readonly string[],
): JobRun | undefined {
  const own = runs.find((r) => r.Arguments?.[MARKER_ARGUMENT] === marker);
  if (own !== undefined) return own;
  for (const older of [...olderMarkers].reverse()) {
    const run = runs.find(
      (r) =>
        r.Arguments?.[MARKER_ARGUMENT] === older && ['STARTING', 'RUNNING', 'WAITING'].includes(r.JobRunState ?? ''),
    );
    if (run !== undefined) return run;
  }
  return undefined;
}

/** Asks Glue to stop runs; runs that already ended are fine. Returns the ids it stopped. */
export async function stopRuns(glue: GlueClient, jobName: string, runIds: readonly string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const out = await glue.send(new BatchStopJobRunCommand({ JobName: jobName, JobRunIds: [...runIds] }));
  return (out.SuccessfulSubmissions ?? []).flatMap((s) => (s.JobRunId === undefined ? [] : [s.JobRunId]));
}

/** DPUs per worker of each Glue worker type (Standard is a legacy 1-DPU worker). */
export const dpuPerWorkerType: Readonly<Record<string, number>> = {
  Standard: 1,
  'G.025X': 0.25,
  'G.1X': 1,
  'G.2X': 2,
  'G.4X': 4,
  'G.8X': 8,
  'G.12X': 12,
  'G.16X': 16,
  'Z.2X': 2,
  'R.1X': 1,
  'R.2X': 2,
  'R.4X': 4,
  'R.8X': 8,
};

/**
 * What a run cost in DPU-seconds. Glue reports DPUSeconds only for Flex and
 * auto-scaling runs; for a standard run it is ExecutionTime × the DPUs the
 * run held: NumberOfWorkers × DPUs of its WorkerType, or MaxCapacity for a
 * run sized without a worker type.
 */
export function dpuSecondsOf(
  run: Pick<JobRun, 'DPUSeconds' | 'ExecutionTime' | 'WorkerType' | 'NumberOfWorkers' | 'MaxCapacity'>,
): number {
  if (run.DPUSeconds !== undefined) return run.DPUSeconds;
  const seconds = run.ExecutionTime ?? 0;
  const perWorker = run.WorkerType === undefined ? undefined : dpuPerWorkerType[run.WorkerType];
  if (perWorker !== undefined && run.NumberOfWorkers !== undefined) return seconds * run.NumberOfWorkers * perWorker;
  return seconds * (run.MaxCapacity ?? 0);
}

/** SUCCEEDED → succeeded with `{ jobRunId, executionTimeSeconds, dpuSeconds }`; FAILED/TIMEOUT/ERROR/STOPPED → failed; else waiting. */
export function statusOfRun(ref: ExternalRef, run: JobRun): ExternalStatus {
  const state = run.JobRunState ?? 'UNKNOWN';
  const executionTimeSeconds = run.ExecutionTime ?? 0;
  const dpuSeconds = dpuSecondsOf(run);
  const next: ExternalRef = { ...ref, awsState: state, executionTimeSeconds, dpuSeconds };
  if (state === 'SUCCEEDED') {
    return { state: 'succeeded', ref: next, output: { jobRunId: run.Id ?? '', executionTimeSeconds, dpuSeconds } };
  }
  if (failedRunStates.has(state)) {
    const why =
      run.ErrorMessage ??
      (state === 'TIMEOUT' ? `exceeded its timeout of ${run.Timeout ?? '?'} minutes` : 'no error message');
    return {
      state: 'failed',
      ref: next,
      retryable: true,
      error: {
        name: 'GlueJobRunFailed',
        message: `Glue job run ${run.Id ?? '?'} of ${run.JobName ?? '?'} ${state}: ${why}`,
      },
    };
  }
  return { state: 'waiting', ref: next };
}
