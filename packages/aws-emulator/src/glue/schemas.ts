/** Inputs of the Glue operations the emulator serves, as the SDK sends them. */
import { z } from 'zod';

const Arguments = z.record(z.string(), z.string());

const WorkerType = z.enum([
  'Standard',
  'G.1X',
  'G.2X',
  'G.4X',
  'G.8X',
  'G.12X',
  'G.16X',
  'G.025X',
  'Z.2X',
  'R.1X',
  'R.2X',
  'R.4X',
  'R.8X',
]);
export type WorkerType = z.infer<typeof WorkerType>;

const ExecutionClass = z.enum(['FLEX', 'STANDARD']);
export type ExecutionClass = z.infer<typeof ExecutionClass>;

export const CreateJobInput = z.object({
  Name: z.string().min(1).max(255),
  Description: z.string().optional(),
  Role: z.string().min(1),
  Command: z.looseObject({
    Name: z.string().optional(),
    ScriptLocation: z.string().optional(),
    PythonVersion: z.string().optional(),
  }),
  ExecutionProperty: z.object({ MaxConcurrentRuns: z.number().int().min(1).optional() }).optional(),
  DefaultArguments: Arguments.optional(),
  MaxRetries: z.number().int().min(0).optional(),
  Timeout: z.number().int().min(1).optional(),
  MaxCapacity: z.number().optional(),
  WorkerType: WorkerType.optional(),
  NumberOfWorkers: z.number().int().min(1).optional(),
  GlueVersion: z.string().optional(),
  ExecutionClass: ExecutionClass.optional(),
});
export type CreateJobInput = z.infer<typeof CreateJobInput>;

export const JobNameInput = z.object({ JobName: z.string().min(1) });

export const StartJobRunInput = z.object({
  JobName: z.string().min(1),
  JobRunId: z.string().optional(),
  Arguments: Arguments.optional(),
  Timeout: z.number().int().min(1).optional(),
  MaxCapacity: z.number().optional(),
  WorkerType: WorkerType.optional(),
  NumberOfWorkers: z.number().int().min(1).optional(),
  ExecutionClass: ExecutionClass.optional(),
});
export type StartJobRunInput = z.infer<typeof StartJobRunInput>;

export const GetJobRunInput = z.object({
  JobName: z.string().min(1),
  RunId: z.string().min(1),
  PredecessorsIncluded: z.boolean().optional(),
});

export const GetJobRunsInput = z.object({
  JobName: z.string().min(1),
  NextToken: z.string().optional(),
  MaxResults: z.number().int().min(1).max(200).optional(),
});

export const BatchStopJobRunInput = z.object({
  JobName: z.string().min(1),
  JobRunIds: z.array(z.string()).min(1).max(25),
});

export const CreateCrawlerInput = z.object({
  Name: z.string().min(1).max(255),
  Role: z.string().min(1),
  DatabaseName: z.string().optional(),
  Description: z.string().optional(),
  Targets: z.looseObject({}),
  TablePrefix: z.string().optional(),
});
export type CreateCrawlerInput = z.infer<typeof CreateCrawlerInput>;

export const CrawlerNameInput = z.object({ Name: z.string().min(1) });

export const GetCrawlerMetricsInput = z.object({
  CrawlerNameList: z.array(z.string()).optional(),
  MaxResults: z.number().int().min(1).max(1000).optional(),
  NextToken: z.string().optional(),
});
