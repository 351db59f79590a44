/**
 * `glue.startJobRun`: StartJobRun once per try with the argument
 * `--sluice-marker=<marker>`, waits from `poll`, and outputs
 * `{ jobRunId, executionTimeSeconds, dpuSeconds }` (also kept on the ref for
 * the UI). Before starting, `start` adopts this try's run (a crashed worker
 * started it) or an earlier try's run that is still going, found by
 * GetJobRuns; other runs of earlier tries still going are stopped. `cancel`
 * stops the run (BatchStopJobRun).
 */
import { type GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';
import { glueClientFor } from '../aws/clients';
import { classifyAwsError, isAwsError, rethrowForCancel, settle } from '../aws/errors';
import {
  clientRegion,
  earliestIntent,
  glueJobRunConsoleUrl,
  recordedRef,
  stringField,
  consoleLink,
  linkSuffix,
} from '../aws/refs';
import { compileOptions, resolveAwsSettings } from '../aws/settings';
import {
  adoptableMarkers,
  type ExternalContext,
  type ExternalOperator,
  type ExternalRef,
  type ExternalStatus,
} from '../external';
import { activeRunStates, chooseRun, findMarkedRuns, getJobRun, statusOfRun, stopRuns } from './job-runs';
import { MARKER_ARGUMENT, StartJobRunOptions } from './options';

const TYPE = 'glue.jobRun';

async function check(glue: GlueClient, ref: ExternalRef): Promise<ExternalStatus> {
  return statusOfRun(ref, await getJobRun(glue, stringField(ref, 'jobName') ?? '', stringField(ref, 'jobRunId') ?? ''));
}

async function start(options: StartJobRunOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  const { jobName } = options;
  let ref: ExternalRef = { type: TYPE, marker: ctx.marker, jobName };
  const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      const region = await clientRegion(glue);
      ref = { ...ref, region };
      const known = recordedRef(ctx, TYPE, ctx.marker);
      if (known !== undefined && stringField(known, 'jobRunId') !== undefined) return check(glue, { ...known });

      const runs = await findMarkedRuns(glue, jobName, ctx.taskMarkers, earliestIntent(ctx, Date.now()));
      const adopted = chooseRun(runs, ctx.marker, adoptableMarkers(ctx));
      const leftovers = runs.filter(
        (r) =>
          r !== adopted &&
          r.Id !== undefined &&
          activeRunStates.has(r.JobRunState ?? '') &&
          r.JobRunState !== 'STOPPING',
      );
      const stopped = await stopRuns(
        glue,
        jobName,
        leftovers.flatMap((r) => (r.Id === undefined ? [] : [r.Id])),
      );
      if (stopped.length > 0) ctx.log(`stopped runs ${stopped.join(', ')} left over from earlier tries`);
      if (adopted?.Id !== undefined) {
        const from = adopted.Arguments?.[MARKER_ARGUMENT] ?? ctx.marker;
        ref = {
          ...ref,
          jobRunId: adopted.Id,
          consoleUrl: consoleLink(ctx.aws, glueJobRunConsoleUrl(region, jobName, adopted.Id)),
          phase: 'submitted',
          ...(from !== ctx.marker && { adoptedFrom: from }),
        };
        await ctx.record(ref);
        ctx.log(`adopting Glue run ${adopted.Id} of ${jobName} (started by try marker ${from})`);
        return statusOfRun(ref, adopted);
      }

      ref = { ...ref, phase: 'submitting', intentAt: new Date().toISOString() };
      await ctx.record(ref);
      const out = await glue.send(
        new StartJobRunCommand({
          JobName: jobName,
          Arguments: { ...options.arguments, [MARKER_ARGUMENT]: ctx.marker },
          ...(options.workerType !== undefined && {
            WorkerType: options.workerType,
            NumberOfWorkers: options.numberOfWorkers,
          }),
          ...(options.timeoutMinutes !== undefined && { Timeout: options.timeoutMinutes }),
        }),
      );
      if (out.JobRunId === undefined) throw new Error('StartJobRun returned no JobRunId');
      ref = {
        ...ref,
        phase: 'submitted',
        jobRunId: out.JobRunId,
        consoleUrl: consoleLink(ctx.aws, glueJobRunConsoleUrl(region, jobName, out.JobRunId)),
        awsState: 'STARTING',
      };
      await ctx.record(ref);
      ctx.log(`started Glue run ${out.JobRunId} of ${jobName}${linkSuffix(ref)}`);
      return { state: 'waiting', ref };
    },
  );
}

export const startJobRunOperator: ExternalOperator<StartJobRunOptions> = {
  kind: 'glue.startJobRun',
  compile: (options) => compileOptions('glue.startJobRun', StartJobRunOptions, options),
  start,

  async poll(options, ref, ctx) {
    if (stringField(ref, 'jobRunId') === undefined) return start(options, ctx);
    const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
    return settle(
      () => ref,
      ctx.signal,
      () => check(glue, ref),
    );
  },

  async cancel(options, ref, ctx) {
    const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
    // The run was started under the recorded job name (rendered options of its try).
    const jobName = stringField(ref, 'jobName') ?? options.jobName;
    try {
      const runId = stringField(ref, 'jobRunId');
      // Without a run id only the intent was recorded: find the run by the marker.
      const runs =
        runId !== undefined
          ? [await getJobRun(glue, jobName, runId)]
          : await findMarkedRuns(glue, jobName, [ref.marker], earliestIntent({ previousRefs: [ref] }, Date.now()));
      const going = runs.filter((r) => r.Id !== undefined && activeRunStates.has(r.JobRunState ?? ''));
      const stopped = await stopRuns(
        glue,
        jobName,
        going.flatMap((r) => (r.Id !== undefined && r.JobRunState !== 'STOPPING' ? [r.Id] : [])),
      );
      const states = runs.map((r) => `${r.Id ?? '?'} ${r.JobRunState ?? '?'}`).join(', ');
      if (stopped.length > 0) ctx.log(`requested stop of Glue runs ${stopped.join(', ')} of ${jobName}`);
      else
        ctx.log(
          going.length > 0
            ? `Glue runs of ${jobName} stopping: ${states}`
            : runs.length > 0
              ? `Glue runs of ${jobName} have ended: ${states}`
              : `no Glue run of ${ref.marker}`,
        );
      return { ended: going.length === 0 };
    } catch (raw) {
      if (isAwsError(raw) && classifyAwsError(raw).name === 'EntityNotFoundException') {
        ctx.log(`nothing to stop: ${classifyAwsError(raw).message}`);
        return { ended: true };
      }
      rethrowForCancel(raw);
    }
  },
};
