/** Run the emulator as a process: `node --import tsx packages/aws-emulator/src/main.ts [--port 4566]`. */
import { loadConfig } from './config';
import { applySeed, readSeed } from './seed';
import { startAwsEmulator } from './server';

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  const seed = config.seed ? await readSeed(config.seed) : null;
  const emulator = await startAwsEmulator({ port: config.port, host: config.host });
  if (seed) {
    applySeed(emulator, seed);
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
