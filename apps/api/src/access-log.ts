/**
 * One access-log line per request (pino-http) with the authenticated actor.
 * Only method, path, status, time and actor are logged: no headers, so no
 * cookie or token reaches a log.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { principalOf } from './auth/principal';

/** The URL as sent: Express rewrites `req.url` inside mounted routers. */
const urlOf = (req: { url?: string; originalUrl?: string }): string => req.originalUrl ?? req.url ?? '';

export function accessLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${urlOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${urlOf(req)} ${res.statusCode}`,
    customSuccessObject: (req, _res, val: Record<string, unknown>) => ({
      ...val,
      actor: principalOf(req as Parameters<typeof principalOf>[0])?.username ?? null,
    }),
    customErrorObject: (req, _res, _err, val: Record<string, unknown>) => ({
      ...val,
      actor: principalOf(req as Parameters<typeof principalOf>[0])?.username ?? null,
    }),
    serializers: {
      req: (req: { method: string; url: string; remoteAddress?: string }) => ({
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/api/v1/health' },
  });
}
