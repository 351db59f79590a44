/**
 * Options of the Glue operators as stored in the DagSpec (what the SDK
 * builders in @sluice/sdk `glue.*` produce), validated once by `compile`.
 */
import { z } from 'zod';
import { glueWorkerTypes } from '@sluice/core';
import { awsOptionFields } from '../aws/settings';

/** The job argument that carries the try's marker. */
export const MARKER_ARGUMENT = '--sluice-marker';

export const WorkerType = z.enum(glueWorkerTypes);

export const StartJobRunOptions = z
  .strictObject({
    jobName: z.string().min(1).max(255),
    arguments: z
      .record(z.string().regex(/^--/, 'argument names start with --'), z.string())
      .refine((args) => !(MARKER_ARGUMENT in args), `${MARKER_ARGUMENT} is set by Sluice`)
      .default({}),
    workerType: WorkerType.optional(),
    numberOfWorkers: z.number().int().min(1).optional(),
    timeoutMinutes: z.number().int().min(1).max(10_080).optional(),
    ...awsOptionFields,
  })
  .superRefine((value, ctx) => {
    if ((value.workerType === undefined) !== (value.numberOfWorkers === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['workerType'], message: 'give workerType and numberOfWorkers together' });
    }
  });
export type StartJobRunOptions = z.infer<typeof StartJobRunOptions>;

export const CrawlerOptions = z.strictObject({ crawlerName: z.string().min(1).max(255), ...awsOptionFields });
export type CrawlerOptions = z.infer<typeof CrawlerOptions>;

export const JobRunSensorOptions = z
  .strictObject({
    jobName: z.string().min(1).max(255),
    runId: z.string().min(1).optional(),
    /** Upstream task whose output has `jobRunId` (a glue.startJobRun task). */
    runFrom: z.string().min(1, 'must name an upstream task').optional(),
    ...awsOptionFields,
  })
  .superRefine((value, ctx) => {
    if ((value.runId === undefined) === (value.runFrom === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['runId'], message: 'give exactly one of runId and runFrom' });
    }
  });
export type JobRunSensorOptions = z.infer<typeof JobRunSensorOptions>;
