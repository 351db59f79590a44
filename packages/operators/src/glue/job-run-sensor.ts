/** `glue.jobRunSensor`: waits for a Glue job run someone else started (`runId`, or the `jobRunId` output of upstream `runFrom`). Poll-only. */
import { glueClientFor } from '../aws/clients';
import { settle } from '../aws/errors';
import { clientRegion, glueJobRunConsoleUrl, invalidInput, stringField, upstreamField, consoleLink } from '../aws/refs';
import { compileOptions, resolveAwsSettings } from '../aws/settings';
import type { ExternalContext, ExternalOperator, ExternalRef, ExternalStatus } from '../external';
import { getJobRun, statusOfRun } from './job-runs';
import { JobRunSensorOptions } from './options';

async function look(options: JobRunSensorOptions, ref: ExternalRef, ctx: ExternalContext): Promise<ExternalStatus> {
  let current = ref;
  const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => current,
    ctx.signal,
    async () => {
      let runId = stringField(current, 'jobRunId');
      if (runId === undefined) {
        const found =
          options.runId !== undefined
            ? { value: options.runId }
            : upstreamField(ctx.upstreamOutputs, options.runFrom ?? '', 'jobRunId', 'runFrom');
        if ('error' in found) return invalidInput(current, found.error);
        runId = found.value;
        const region = await clientRegion(glue);
        current = {
          ...current,
          jobRunId: runId,
          region,
          consoleUrl: consoleLink(ctx.aws, glueJobRunConsoleUrl(region, options.jobName, runId)),
        };
      }
      const status = statusOfRun(current, await getJobRun(glue, options.jobName, runId));
      // Retrying a sensor would only see the same ended run again.
      return status.state === 'failed' ? { ...status, retryable: false } : status;
    },
  );
}

export const jobRunSensorOperator: ExternalOperator<JobRunSensorOptions> = {
  kind: 'glue.jobRunSensor',
  compile: (options) => compileOptions('glue.jobRunSensor', JobRunSensorOptions, options),
  start: (options, ctx) =>
    look(options, { type: 'glue.jobRunSensor', marker: ctx.marker, jobName: options.jobName }, ctx),
  poll: (options, ref, ctx) => look(options, ref, ctx),
  async cancel() {
    // A sensor started nothing.
    return { ended: true };
  },
};
