/**
 * Bodies of the HTTP control API (`/_emulator/...`). The programmatic control
 * accepts the same shapes, plus RegExp objects where a pattern is expected.
 */
import { z } from 'zod';
import { CreateCrawlerInput, CreateJobInput } from './glue/schemas';

const nonNegative = z.number().finite().min(0);

export const DurationsPatch = z.strictObject({
  clusterStartMs: nonNegative.optional(),
  clusterTerminateMs: nonNegative.optional(),
  stepRunMs: nonNegative.optional(),
  stepCancelMs: nonNegative.optional(),
  jobStartMs: nonNegative.optional(),
  jobRunMs: nonNegative.optional(),
  jobStopMs: nonNegative.optional(),
  crawlMs: nonNegative.optional(),
  crawlStopMs: nonNegative.optional(),
});
export type DurationsPatch = z.infer<typeof DurationsPatch>;

export const FaultBody = z.strictObject({
  operation: z.string().min(1),
  kind: z.enum(['throttle', 'internal', 'error']),
  count: z.number().int().min(1).optional(),
  durationMs: z.number().finite().positive().optional(),
  code: z.string().min(1).optional(),
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
});

const pattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

const match = {
  name: pattern.optional(),
  args: pattern.optional(),
  times: z.number().int().min(1).optional(),
  durationMs: nonNegative.optional(),
};

export const StepRuleBody = z.strictObject({
  ...match,
  outcome: z.enum(['FAILED', 'COMPLETED']).optional(),
  failureDetails: z
    .strictObject({ reason: z.string().optional(), message: z.string().optional(), logFile: z.string().optional() })
    .optional(),
});

export const JobRunRuleBody = z.strictObject({
  ...match,
  outcome: z.enum(['FAILED', 'TIMEOUT', 'SUCCEEDED']).optional(),
  errorMessage: z.string().optional(),
});

export const CrawlRuleBody = z.strictObject({
  ...match,
  outcome: z.enum(['FAILED', 'SUCCEEDED']).optional(),
  errorMessage: z.string().optional(),
});

/** A Glue job to seed: the CreateJob input, with Role and Command optional. */
export const SeedJob = CreateJobInput.extend({
  Role: z.string().min(1).default('arn:aws:iam::000000000000:role/GlueEmulator'),
  Command: CreateJobInput.shape.Command.default({ Name: 'glueetl', ScriptLocation: 's3://scripts/job.py' }),
});
export type SeedJob = z.input<typeof SeedJob>;

/** A crawler to seed: the CreateCrawler input, with Role and Targets optional. */
export const SeedCrawler = CreateCrawlerInput.extend({
  Role: z.string().min(1).default('arn:aws:iam::000000000000:role/GlueEmulator'),
  Targets: CreateCrawlerInput.shape.Targets.default({}),
});
export type SeedCrawler = z.input<typeof SeedCrawler>;
