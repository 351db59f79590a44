/**
 * Limits on what a request may carry, checked before any handler runs:
 * identifiers in a safe character set, JSON bodies without NUL bytes or
 * lone surrogates (Postgres cannot store the first, and the second is not
 * text), and nesting no deeper than anything Sluice stores needs.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { parseTaskKey } from '@sluice/core';
import { RequestValidationError } from './http-errors';

/** Deepest nesting of objects and arrays a body (a run's conf, say) may have. */
export const MAX_JSON_DEPTH = 32;

const idChars = /^[A-Za-z0-9_][A-Za-z0-9_.:+-]*$/;

/**
 * A path identifier: a DAG, run, task or connection id. Starts with a letter,
 * digit or `_`, then letters, digits and `_ . : + -`, and never `..`, so an
 * id can neither climb a path nor pass for a command-line flag.
 */
export function safeId(what: string, max = 250) {
  return z
    .string()
    .min(1, `${what} is empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .regex(idChars, `${what} may hold letters, digits and _ . : + - (starting with a letter, digit or _)`)
    .refine((s) => !s.includes('..'), `${what} may not contain ".."`);
}

/**
 * A task, or one instance of a mapped task: `load` or `load[3]` (core's
 * taskKey). The id part is checked as `safeId` checks ids.
 */
export function safeTaskKey(what: string) {
  return z.string().superRefine((s, ctx) => {
    let parsed: { taskId: string; mapIndex: number };
    try {
      parsed = parseTaskKey(s);
    } catch (raw) {
      ctx.addIssue({ code: 'custom', message: (raw as Error).message });
      return;
    }
    const id = safeId(what).safeParse(parsed.taskId);
    if (!id.success) for (const issue of id.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  });
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as text, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (loneSurrogate.test(text)) return 'contains a lone UTF-16 surrogate, which is not text';
  return null;
}

/**
 * The first place in a parsed JSON value that cannot be stored: a NUL or a
 * lone surrogate in a key or string, or nesting past `maxDepth`. Walks with
 * an explicit stack, so a hostile depth costs no recursion.
 */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): { path: string; message: string } | null {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: '', depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { v, path, depth } = item;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { path, message: `the value ${problem}` };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { path, message: `nesting is deeper than ${maxDepth} levels` };
    const entries: Array<[string, unknown]> = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      const problem = textProblem(key);
      if (problem) return { path: childPath, message: `the key ${problem}` };
      stack.push({ v: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/** Rejects a request whose path, query or JSON body holds what `jsonProblem` finds, with a 400 naming where. */
export function checkRequestText(): RequestHandler {
  return (req, _res, next) => {
    let decodedPath: string;
    try {
      decodedPath = decodeURIComponent(req.path);
    } catch {
      return next(new RequestValidationError([{ path: 'path', message: 'the path is not valid percent-encoding' }]));
    }
    const pathProblem = textProblem(decodedPath);
    if (pathProblem) return next(new RequestValidationError([{ path: 'path', message: `the path ${pathProblem}` }]));
    const query = jsonProblem(req.query, 4);
    if (query) return next(new RequestValidationError([{ path: `query.${query.path}`, message: query.message }]));
    const body = jsonProblem(req.body);
    if (body)
      return next(
        new RequestValidationError([{ path: body.path ? `body.${body.path}` : 'body', message: body.message }]),
      );
    next();
  };
}

/**
 * The logical dates a run may be triggered for. Outside them a timetable
 * would walk centuries of intervals (year 1 took the API 4.9 s) and no data
 * pipeline has data.
 */
export const LOGICAL_DATE_RANGE = { from: '1970-01-01', to: '2200-01-01' } as const;

export function withinLogicalDateRange(iso: string): boolean {
  const t = Date.parse(iso);
  return t >= Date.parse(LOGICAL_DATE_RANGE.from) && t < Date.parse(LOGICAL_DATE_RANGE.to);
}

/**
 * A date (`2026-03-01`, midnight UTC) or an ISO date-time with an offset,
 * within LOGICAL_DATE_RANGE, as a Date: the ends of a backfill or a clear.
 */
export function dateBound(what: string) {
  return z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: `${what} is a date (2026-03-01) or an ISO date-time with an offset`,
    })
    .refine(withinLogicalDateRange, `${what} lies between ${LOGICAL_DATE_RANGE.from} and ${LOGICAL_DATE_RANGE.to}`)
    .transform((s) => new Date(s));
}
