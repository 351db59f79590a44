import type { Request } from 'express';
import type { z } from 'zod';
import { RequestValidationError, issuesOf } from './http-errors';

/** Parses one part of a request with its schema; a failure names the field, e.g. `body.conf`. */
export function parse<S extends z.ZodType>(schema: S, req: Request, part: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(part === 'body' ? (req.body ?? {}) : req[part]);
  if (!result.success) throw new RequestValidationError(issuesOf(result.error, part));
  return result.data;
}
