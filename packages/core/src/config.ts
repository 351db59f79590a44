/**
 * Parsing a process's configuration: each app declares a zod schema of the
 * environment variables it reads and calls this once in `main`.
 */
import type { z } from 'zod';

/** Thrown by `parseConfig` listing every variable that is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid ${what} configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
