/**
 * The EMR/Glue variant: four scenarios on the AWS emulator, one after the
 * other, on the same cluster of processes (whose workers point
 * AWS_ENDPOINT_URL at the emulator):
 *
 * - adopt: kill -9 the worker the moment the emulator answered its
 *   AddJobFlowSteps; the next worker must adopt the step, not submit again.
 * - clear: clear a Glue task while it is deferred; its run must be stopped
 *   and the rerun must succeed.
 * - cancel500: mark a deferred EMR step task failed while CancelSteps
 *   answers 500; the step must still end up cancelled.
 * - timeout: a step task with executionTimeout 3 s; the task fails and the
 *   step is cancelled.
 */
import type { AwsEmulator } from '@sluice/aws-emulator';
import { markerFor } from '@sluice/operators';
import type { Cluster } from './cluster';
import { awsDagIds, awsNames, type AwsScenario } from './dag';
import { activeJobs, submissionsPerMarker, type ActiveJob, type Submissions } from './external';
import { poll } from './faults';
import {
  clearTask,
  markTaskFailed,
  taskState,
  triesOf,
  triesOfRun,
  trigger,
  unfinishedTasks,
  waitForRuns,
  type TaskView,
  type TryView,
} from './runs';

export interface ScenarioResult {
  scenario: AwsScenario;
  runId: string;
  expected: 'success' | 'failed';
  actual: string;
  ok: boolean;
  detail: string;
  /** Its task instances not in a terminal state when it was given up on (evidence of a stuck run). */
  unfinished: TaskView[];
  /** Every try of the run with its error, when the scenario did not end as expected. */
  tries: TryView[];
}

export interface AwsResults {
  scenarios: ScenarioResult[];
  submissions: Omit<Submissions, 'perMarker'>;
  /** EMR steps and Glue runs still active after every AWS run ended, with the try they belong to. */
  leftRunning: Array<ActiveJob & { owner: string | undefined }>;
}

const RUN_BOUND_MS = 60_000;

async function runScenario(
  cluster: Cluster,
  scenario: AwsScenario,
  expected: 'success' | 'failed',
  act: (runId: string) => Promise<string>,
): Promise<ScenarioResult> {
  const dagId = awsDagIds[scenario];
  const runId = `aws-${scenario}`;
  const since = Date.now();
  await trigger(cluster, dagId, runId);
  let detail: string;
  try {
    detail = await act(runId);
  } catch (raw) {
    detail = `could not act: ${raw instanceof Error ? raw.message : String(raw)}`;
  }
  const out = await waitForRuns(cluster, dagId, [runId], since, RUN_BOUND_MS);
  const actual = out.stuck > 0 ? 'stuck' : out.success > 0 ? 'success' : 'failed';
  const unfinished = out.stuck > 0 ? await unfinishedTasks(cluster, dagId, [runId]).catch(() => []) : [];
  const ok = actual === expected;
  const tries = ok ? [] : await triesOfRun(cluster, dagId, runId).catch(() => []);
  return { scenario, runId, expected, actual, ok, detail, unfinished, tries };
}

async function waitForTaskState(
  cluster: Cluster,
  dagId: string,
  runId: string,
  taskId: string,
  state: string,
): Promise<void> {
  const seen = await poll(
    60_000,
    async () => ((await taskState(cluster, dagId, runId, taskId)) === state ? true : undefined),
    100,
  );
  if (!seen) throw new Error(`${dagId}/${runId}/${taskId} never became ${state}`);
}

export async function runAwsScenarios(
  cluster: Cluster,
  aws: AwsEmulator,
  log: (line: string) => void,
): Promise<AwsResults> {
  const { control } = aws;
  control.addStepRule({ name: awsNames.adoptStep, outcome: 'COMPLETED', durationMs: 3_000 });
  control.addStepRule({ name: awsNames.cancelStep, outcome: 'COMPLETED', durationMs: 600_000 });
  control.addStepRule({ name: awsNames.timeoutStep, outcome: 'COMPLETED', durationMs: 600_000 });
  control.createJob({ Name: awsNames.clearJob });
  // The first run is long enough to be cleared while it waits; the rerun is quick.
  control.addJobRunRule({ name: awsNames.clearJob, outcome: 'SUCCEEDED', durationMs: 600_000, times: 1 });

  const scenarios: ScenarioResult[] = [];
  const done = (r: ScenarioResult) => {
    scenarios.push(r);
    log(`aws ${r.scenario}: ${r.actual} (expected ${r.expected}) — ${r.detail}`);
  };

  done(
    await runScenario(cluster, 'adopt', 'success', async (runId) => {
      const submitted = await poll(
        60_000,
        async () =>
          control
            .calls('AddJobFlowSteps')
            .some((c) => c.status === 200 && JSON.stringify(c.input).includes(awsNames.adoptStep))
            ? true
            : undefined,
        5,
      );
      if (!submitted) return 'the step was never submitted';
      const r = await cluster.pool.query<{ hostname: string | null }>(
        `SELECT t.hostname FROM task_try t JOIN task_instance ti ON ti.id = t.task_instance_id JOIN dag_run r ON r.id = ti.dag_run_id
         WHERE r.dag_id = $1 AND r.run_id = $2 AND ti.task_id = 'step' ORDER BY t.try_number DESC LIMIT 1`,
        [awsDagIds.adopt, runId],
      );
      const slot = cluster.alive('worker').find((s) => s.hostname === r.rows[0]?.hostname);
      if (!slot) return `no live worker held the try (hostname ${r.rows[0]?.hostname ?? 'none'})`;
      const pid = slot.proc.pid;
      const next = await cluster.kill(slot);
      return `kill -9 ${slot.hostname} pid ${pid} right after AddJobFlowSteps was answered; restarted as ${next.hostname}`;
    }),
  );

  done(
    await runScenario(cluster, 'clear', 'success', async (runId) => {
      await waitForTaskState(cluster, awsDagIds.clear, runId, 'job', 'deferred');
      await clearTask(cluster, awsDagIds.clear, runId, 'job');
      return 'cleared the Glue task while deferred';
    }),
  );

  done(
    await runScenario(cluster, 'cancel500', 'failed', async (runId) => {
      await waitForTaskState(cluster, awsDagIds.cancel500, runId, 'step', 'deferred');
      control.injectFault({ operation: 'CancelSteps', kind: 'internal', count: 6 });
      await markTaskFailed(cluster, awsDagIds.cancel500, runId, 'step');
      return 'marked the deferred step task failed while CancelSteps answers 500 (6 times)';
    }),
  );

  done(
    await runScenario(cluster, 'timeout', 'failed', async (runId) => {
      await waitForTaskState(cluster, awsDagIds.timeout, runId, 'step', 'failed');
      return 'the step task failed on its executionTimeout of 3 s';
    }),
  );

  // Cancels and stops take a moment to land: wait (bounded) for nothing to be active.
  await poll(30_000, async () => (activeJobs(control.state()).length === 0 ? true : undefined), 250);
  const owners = new Map<string, string>();
  for (const t of await triesOf(cluster, Object.values(awsDagIds)))
    owners.set(markerFor(t, t.tryNumber), `${t.dagId}/${t.runId}/${t.taskId} try ${t.tryNumber}`);
  const leftRunning = activeJobs(control.state()).map((j) => ({
    ...j,
    owner: j.marker === undefined ? undefined : owners.get(j.marker),
  }));
  const s = submissionsPerMarker(control.calls());
  return { scenarios, submissions: { markers: s.markers, max: s.max, over: s.over }, leftRunning };
}
