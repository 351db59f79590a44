/** A seed file: what should exist in the emulated account before anything calls it (`--seed`, `dags/aws-emulator.json`). */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DurationsPatch, SeedCrawler, SeedJob } from './control-schemas';
import type { AwsEmulator } from './server';

const SeedFile = z.strictObject({
  jobs: z.array(SeedJob).default([]),
  crawlers: z.array(SeedCrawler).default([]),
  /** S3 buckets to create (empty), for sensors and remote logs to list and write. */
  buckets: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name')).default([]),
  durations: DurationsPatch.optional(),
});

export type SeedFile = z.infer<typeof SeedFile>;

export async function readSeed(file: string): Promise<SeedFile> {
  const parsed = SeedFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid seed file ${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Creates the seed's jobs, crawlers and buckets and applies its durations. */
export function applySeed(emulator: AwsEmulator, seed: SeedFile): void {
  if (seed.durations) emulator.control.setDurations(seed.durations);
  for (const job of seed.jobs) emulator.control.createJob(job);
  for (const crawler of seed.crawlers) emulator.control.createCrawler(crawler);
  for (const bucket of seed.buckets) emulator.s3.createBucket(bucket);
}
