/** Maps every error a handler can meet to one JSON body and status. Nothing leaks as a 500 that the caller caused. */
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ConflictError, InvalidRequestError, NotFoundError } from '@sluice/engine';
import type { ApiErrorBody } from '@sluice/client';
import type { Logger } from 'pino';
import { ForbiddenRequestError, UnsupportedMediaTypeError } from './transport';
import { NotAllowedError, TooManyRequestsError, UnauthorizedError } from './auth/principal';

function body(
  code: ApiErrorBody['error']['code'],
  message: string,
  issues?: ApiErrorBody['error']['issues'],
): ApiErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } };
}

export function issuesOf(err: ZodError, prefix: string): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

/** Thrown by `parse` with the part of the request that failed: body, query or params. */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  constructor(readonly issues: Array<{ path: string; message: string }>) {
    super(`Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (raw, _req, res, _next) => {
    if (raw instanceof RequestValidationError)
      return void res.status(400).json(body('bad_request', raw.message, raw.issues));
    if (raw instanceof InvalidRequestError)
      return void res.status(400).json(body('bad_request', raw.message, raw.issues));
    if (raw instanceof NotFoundError) return void res.status(404).json(body('not_found', raw.message));
    if (raw instanceof UnauthorizedError) {
      res.set('WWW-Authenticate', 'Bearer realm="sluice"');
      return void res.status(401).json(body('unauthorized', raw.message));
    }
    if (raw instanceof NotAllowedError) return void res.status(403).json(body('forbidden', raw.message));
    if (raw instanceof TooManyRequestsError) {
      res.set('Retry-After', String(raw.retryAfterSeconds));
      return void res.status(429).json(body('too_many_requests', raw.message));
    }
    if (raw instanceof ForbiddenRequestError) return void res.status(403).json(body('forbidden', raw.message));
    if (raw instanceof UnsupportedMediaTypeError)
      return void res.status(415).json(body('unsupported_media_type', raw.message));
    if (raw instanceof ConflictError) return void res.status(409).json(body('conflict', raw.message));
    if (raw instanceof ZodError)
      return void res.status(400).json(body('bad_request', 'Invalid request', issuesOf(raw, '')));
    const status = (raw as { status?: unknown; type?: unknown }).status;
    if ((raw as { type?: unknown }).type === 'entity.parse.failed') {
      return void res.status(400).json(body('bad_request', 'The request body is not valid JSON'));
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return void res.status(status).json(body('bad_request', raw instanceof Error ? raw.message : 'Bad request'));
    }
    logger.error({ err: raw }, 'request failed');
    res.status(500).json(body('internal', 'Internal error; the API log has the details'));
  };
}
