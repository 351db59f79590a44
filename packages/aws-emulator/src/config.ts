/** Settings of the standalone emulator process (`src/main.ts`). */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const DEFAULT_PORT = 4566;

export const EmulatorConfig = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  /** A JSON file of Glue jobs and crawlers (and durations) to create at start. */
  seed: z.string().min(1).optional(),
});
export type EmulatorConfig = z.infer<typeof EmulatorConfig>;

/** `--port` wins over AWS_EMULATOR_PORT, which wins over 4566; `--host` over AWS_EMULATOR_HOST. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): EmulatorConfig {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  const result = EmulatorConfig.safeParse({
    port: values.port ?? env.AWS_EMULATOR_PORT ?? DEFAULT_PORT,
    host: values.host ?? env.AWS_EMULATOR_HOST ?? '127.0.0.1',
    seed: values.seed ?? env.AWS_EMULATOR_SEED,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid ${issue?.path.join('.') ?? 'option'}: ${issue?.message ?? 'invalid value'}`);
  }
  return result.data;
}
