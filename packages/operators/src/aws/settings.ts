/**
 * Which AWS account, region and endpoint one operator call talks to. The
 * worker hands every call `ctx.aws` (its defaults, or a named connection it
 * resolved); a task's own `aws` option overrides it field by field; whatever
 * is still unset comes from the SDK's default chain (AWS_REGION,
 * AWS_ENDPOINT_URL, AWS_PROFILE, instance/container roles…).
 */
import { z } from 'zod';
import { InvalidOptionsError } from '@sluice/core';
import type { AwsSettings } from '../external';

/** SDK attempts per AWS call (the first try plus retries) unless a task or connection says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 6;

/** AwsSettings plus the knobs only the client factory reads. */
export interface AwsClientSettings extends AwsSettings {
  /** Attempts per call, retried by the SDK with backoff (adaptive mode); default 6. */
  maxAttempts?: number;
  /** Endpoint of STS for `roleArn` (default: the SDK's, which honours AWS_ENDPOINT_URL_STS). */
  stsEndpoint?: string;
  /** Session name for AssumeRole (default `sluice`). */
  roleSessionName?: string;
}

/** The `aws` option every AWS operator accepts. */
export const AwsOptions = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be a region such as us-east-1')
    .optional(),
  endpoint: z.url('must be a URL such as http://127.0.0.1:4566').optional(),
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN')
    .optional(),
  maxAttempts: z.number().int().min(1).max(20).optional(),
});
export type AwsOptions = z.infer<typeof AwsOptions>;

/** The options every AWS operator accepts besides its own. */
export const awsOptionFields = {
  aws: AwsOptions.optional(),
  /** A named connection; the worker resolves it into `ctx.aws` before calling the operator. */
  connection: z.string().min(1).optional(),
};

/** The task's `aws` option over the worker's/connection's settings. */
export function resolveAwsSettings(base: AwsSettings, task: AwsOptions | undefined): AwsClientSettings {
  const merged: AwsClientSettings = { ...base };
  if (task?.region !== undefined) merged.region = task.region;
  if (task?.endpoint !== undefined) merged.endpoint = task.endpoint;
  if (task?.roleArn !== undefined) merged.roleArn = task.roleArn;
  if (task?.maxAttempts !== undefined) merged.maxAttempts = task.maxAttempts;
  return merged;
}

/** Validates stored options with `schema`; throws InvalidOptionsError naming the first bad option. */
export function compileOptions<S extends z.ZodType>(kind: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined ? 'options' : issue.path.map(String).join('.') || 'options';
  throw new InvalidOptionsError(`${kind}: ${where}: ${issue?.message ?? 'invalid options'}`);
}
