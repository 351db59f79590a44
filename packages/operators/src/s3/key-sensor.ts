/**
 * `s3.keySensor` (and `s3.partitionSensor`, stored as a key sensor on the
 * partition's prefix): waits until objects matching a key, a prefix or a
 * pattern exist, with a minimum count and size. Poll-only: each look is
 * one ListObjectsV2 walk; `cancel` stops nothing.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { s3ClientFor } from '../aws/clients';
import { settle } from '../aws/errors';
import { compileOptions, awsOptionFields, resolveAwsSettings } from '../aws/settings';
import type { ExternalContext, ExternalOperator, ExternalRef, ExternalStatus } from '../external';
import { SensorOptions } from '../sensor';

export const KeySensorOptions = z
  .strictObject({
    ...awsOptionFields,
    bucket: z.string().min(3),
    key: z.string().min(1).optional(),
    prefix: z.string().optional(),
    pattern: z.string().min(1).optional(),
    minCount: z.number().int().min(1).optional(),
    minSize: z.number().int().min(0).optional(),
    sensor: SensorOptions,
  })
  .refine((o) => [o.key, o.prefix, o.pattern].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of key, prefix or pattern',
    path: ['key'],
  });
export type KeySensorOptions = z.infer<typeof KeySensorOptions>;

/** At most this many matching keys are kept in the output. */
const MAX_OUTPUT_KEYS = 1000;

/** `*` any characters but `/`, `**` any characters, `?` one character but `/`; the rest literal. */
export function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** What to list and which listed keys count. */
function matcher(options: KeySensorOptions): { listPrefix: string; matches: (key: string) => boolean } {
  if (options.key !== undefined) return { listPrefix: options.key, matches: (k) => k === options.key };
  if (options.pattern !== undefined) {
    const re = patternRegExp(options.pattern);
    return { listPrefix: options.pattern.split(/[*?]/)[0] ?? '', matches: (k) => re.test(k) };
  }
  return { listPrefix: options.prefix ?? '', matches: () => true };
}

async function look(s3: S3Client, options: KeySensorOptions, ref: ExternalRef): Promise<ExternalStatus> {
  const { listPrefix, matches } = matcher(options);
  const minSize = options.minSize ?? 0;
  const keys: string[] = [];
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: options.bucket, Prefix: listPrefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined || !matches(o.Key) || (o.Size ?? 0) < minSize) continue;
      count++;
      if (keys.length < MAX_OUTPUT_KEYS) keys.push(o.Key);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  const next: ExternalRef = { ...ref, bucket: options.bucket, prefix: listPrefix, found: count };
  if (count >= (options.minCount ?? 1))
    return { state: 'succeeded', ref: next, output: { bucket: options.bucket, keys, count } };
  return { state: 'waiting', ref: next };
}

async function check(options: KeySensorOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  const ref: ExternalRef = { type: 's3.keySensor', marker: ctx.marker };
  const s3 = s3ClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    () => look(s3, options, ref),
  );
}

export const keySensorOperator: ExternalOperator<KeySensorOptions> = {
  kind: 's3.keySensor',
  compile: (options) => compileOptions('s3.keySensor', KeySensorOptions, options),
  start: check,
  poll: (options, _ref, ctx) => check(options, ctx),
  async cancel() {
    // A sensor submitted nothing.
    return { ended: true };
  },
};
