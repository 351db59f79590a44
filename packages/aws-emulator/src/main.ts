/** Run the emulator as a process: `node --import tsx packages/aws-emulator/src/main.ts [--port 4566]`. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { loadConfig } from './config';
import { DurationsPatch, SeedCrawler, SeedJob } from './control-schemas';
import { startAwsEmulator } from './server';

/** What `--seed` points at: what should exist in the emulated account before anything calls it. */
const SeedFile = z.strictObject({
  jobs: z.array(SeedJob).default([]),
  crawlers: z.array(SeedCrawler).default([]),
  durations: DurationsPatch.optional(),
});

async function readSeed(file: string): Promise<z.infer<typeof SeedFile>> {
  const parsed = SeedFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid seed file ${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  const seed = config.seed ? await readSeed(config.seed) : null;
  const emulator = await startAwsEmulator({ port: config.port, host: config.host });
  if (seed) {
    if (seed.durations) emulator.control.setDurations(seed.durations);
    for (const job of seed.jobs) emulator.control.createJob(job);
    for (const crawler of seed.crawlers) emulator.control.createCrawler(crawler);
    process.stdout.write(
      `seeded ${seed.jobs.length} Glue jobs and ${seed.crawlers.length} crawlers from ${config.seed}\n`,
    );
  }
  process.stdout.write(`AWS emulator (EMR, Glue) listening on ${emulator.url}\n`);
  process.stdout.write(`  export AWS_ENDPOINT_URL=${emulator.url}\n`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((raw: unknown) => {
  process.stderr.write(`${raw instanceof Error ? raw.message : String(raw)}\n`);
  process.exit(1);
});
