import { z } from 'zod';

/** The environment the `sluice` command reads. Parsed once, in `main`. */
export const CliConfig = z
  .object({
    SLUICE_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:8080'),
    DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/sluice'),
    SLUICE_DAGS_FOLDER: z.string().min(1).default('dags'),
  })
  .transform((env) => ({
    apiUrl: env.SLUICE_API_URL.replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    dagsFolder: env.SLUICE_DAGS_FOLDER,
  }));
export type CliConfig = z.infer<typeof CliConfig>;

/** Thrown when an environment variable has a value the CLI cannot use. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): CliConfig {
  const parsed = CliConfig.safeParse(emptyAsUnset(env));
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${details}`);
  }
  return parsed.data;
}

/** `SLUICE_API_URL=` (set but empty) means "use the default", as in most CLIs. */
function emptyAsUnset(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
