/**
 * What the AWS emulator saw, read for the suite's figures: submissions per
 * try marker (AddJobFlowSteps, StartJobRun, RunJobFlow), and EMR steps and
 * Glue runs still active. Pure.
 */
import type { ApiCall, EmulatorState } from '@sluice/aws-emulator';

const MARKER_IN_NAME = /\[(sluice-[0-9a-f]{20})\]$/;
/** The Glue job argument that carries a try's marker (packages/operators glue MARKER_ARGUMENT). */
const MARKER_ARGUMENT = '--sluice-marker';

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

/** The markers one answered call submitted something for (one per step, job run or cluster). */
export function markersOfCall(call: ApiCall): string[] {
  if (call.status !== 200) return [];
  const input = record(call.input);
  const fromName = (name: unknown) => (typeof name === 'string' ? MARKER_IN_NAME.exec(name)?.[1] : undefined);
  switch (call.operation) {
    case 'AddJobFlowSteps': {
      const steps = Array.isArray(input['Steps']) ? input['Steps'] : [];
      return [...new Set(steps.flatMap((s) => fromName(record(s)['Name']) ?? []))];
    }
    case 'RunJobFlow':
      return [fromName(input['Name'])].flatMap((m) => m ?? []);
    case 'StartJobRun': {
      const m = record(input['Arguments'])[MARKER_ARGUMENT];
      return typeof m === 'string' ? [m] : [];
    }
    default:
      return [];
  }
}

export interface Submissions {
  /** `<operation> <marker>` → answered submissions. */
  perMarker: Record<string, number>;
  markers: number;
  max: number;
  /** Entries of perMarker above 1. */
  over: Array<{ key: string; count: number }>;
}

export function submissionsPerMarker(calls: readonly ApiCall[]): Submissions {
  const perMarker: Record<string, number> = {};
  for (const c of calls)
    for (const m of markersOfCall(c)) perMarker[`${c.operation} ${m}`] = (perMarker[`${c.operation} ${m}`] ?? 0) + 1;
  const counts = Object.entries(perMarker);
  return {
    perMarker,
    markers: counts.length,
    max: counts.reduce((a, [, n]) => Math.max(a, n), 0),
    over: counts.filter(([, n]) => n > 1).map(([key, count]) => ({ key, count })),
  };
}

export interface ActiveJob {
  kind: 'emr.step' | 'glue.jobRun';
  id: string;
  name: string;
  state: string;
  marker: string | undefined;
}

const activeStepStates = new Set(['PENDING', 'RUNNING', 'CANCEL_PENDING']);
const activeRunStates = new Set(['STARTING', 'RUNNING', 'STOPPING', 'WAITING']);

/** EMR steps and Glue job runs that have not ended. */
export function activeJobs(state: EmulatorState): ActiveJob[] {
  const steps = state.emr.clusters.flatMap((c) =>
    c.steps
      .filter((s) => activeStepStates.has(s.state))
      .map(
        (s): ActiveJob => ({
          kind: 'emr.step',
          id: s.id,
          name: s.name,
          state: s.state,
          marker: MARKER_IN_NAME.exec(s.name)?.[1],
        }),
      ),
  );
  const runs = state.glue.jobRuns
    .filter((r) => activeRunStates.has(r.state))
    .map(
      (r): ActiveJob => ({
        kind: 'glue.jobRun',
        id: r.id,
        name: r.jobName,
        state: r.state,
        marker: r.arguments[MARKER_ARGUMENT],
      }),
    );
  return [...steps, ...runs];
}
