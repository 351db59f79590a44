/**
 * For this package's tests: an AWS emulator on a manual clock and
 * ExternalContexts whose `record` persists like the engine does, so a
 * "fresh" context for the same try sees what an earlier worker recorded.
 */
import { EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { GlueClient } from '@aws-sdk/client-glue';
import { type AwsEmulator, type Durations, ManualClock, startAwsEmulator } from '@sluice/aws-emulator';
import { type ExternalContext, type ExternalRef, markerFor } from '../external';
import type { AwsClientSettings } from './settings';

export const run = { dagId: 'smartnews_batch', runId: 'scheduled__2026-01-01T00:00:00Z', taskId: 'load' };

export interface Harness {
  emulator: AwsEmulator;
  clock: ManualClock;
  aws: AwsClientSettings;
  emr: EMRClient;
  glue: GlueClient;
  /** Every ref recorded for the task instance, newest first (what the engine stores). */
  records: ExternalRef[];
  logs: string[];
  /** The context of try `tryNumber` as a worker would build it now. */
  ctx(tryNumber?: number, extra?: Partial<ExternalContext>): ExternalContext;
  close(): Promise<void>;
}

export async function startHarness(durations: Partial<Durations> = {}, maxAttempts = 3): Promise<Harness> {
  const clock = new ManualClock(Date.now());
  const emulator = await startAwsEmulator({ now: clock.now, durations });
  const aws: AwsClientSettings = {
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  };
  const clientConfig = { endpoint: emulator.url, region: 'us-east-1', credentials: aws.credentials, maxAttempts: 1 };
  const emr = new EMRClient(clientConfig);
  const glue = new GlueClient(clientConfig);
  const records: ExternalRef[] = [];
  const logs: string[] = [];
  return {
    emulator,
    clock,
    aws,
    emr,
    glue,
    records,
    logs,
    ctx(tryNumber = 1, extra = {}) {
      const taskMarkers = Array.from({ length: tryNumber }, (_, i) => markerFor(run, i + 1));
      return {
        run: {
          ...run,
          logicalDate: new Date(0),
          dataInterval: { start: new Date(0), end: new Date(0) },
          conf: {},
          tryNumber,
          maxTries: 3,
        },
        marker: markerFor(run, tryNumber),
        taskMarkers,
        cancelledMarkers: [],
        previousRefs: [...records],
        record: async (ref) => {
          records.unshift(structuredClone(ref));
        },
        upstreamOutputs: new Map(),
        aws,
        log: (line) => logs.push(line),
        signal: new AbortController().signal,
        ...extra,
      };
    },
    async close() {
      emr.destroy();
      glue.destroy();
      await emulator.close();
    },
  };
}

/** A kept-alive cluster, advanced until it is WAITING. */
export async function readyCluster(h: Harness): Promise<string> {
  const out = await h.emr.send(
    new RunJobFlowCommand({
      Name: 'shared',
      ReleaseLabel: 'emr-7.2.0',
      Instances: { KeepJobFlowAliveWhenNoSteps: true, InstanceCount: 1 },
    }),
  );
  h.clock.advance(h.emulator.control.state().durations.clusterStartMs);
  if (out.JobFlowId === undefined) throw new Error('RunJobFlow returned no id');
  return out.JobFlowId;
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (raw) {
    if (raw instanceof Error) return raw;
    throw new Error(`rejected with a non-Error: ${String(raw)}`);
  }
  throw new Error('expected a rejection, the promise resolved');
}
