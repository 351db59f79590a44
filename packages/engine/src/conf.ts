/**
 * Run conf validation. A DAG may declare the conf its manual runs take as
 * a JSON Schema (its SDK `confSchema`); a trigger whose conf does not match
 * is refused with every issue named.
 */
import { z } from 'zod';

export function validateConf(
  schema: Record<string, unknown> | null,
  conf: Record<string, unknown>,
): Array<{ path: string; message: string }> {
  if (!schema) return [];
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(schema);
  } catch (raw) {
    return [
      {
        path: 'conf',
        message: `the DAG's confSchema cannot be used: ${raw instanceof Error ? raw.message : String(raw)}`,
      },
    ];
  }
  const parsed = validator.safeParse(conf);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({
    path: ['conf', ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}
