/**
 * What a request must look like before Sluice reads it: addressed to a host
 * name this API answers to (a page on another name that resolves to us —
 * DNS rebinding — gets nothing), and, when it changes something, sent as
 * JSON from our own origin (a cross-site `<form>` cannot send JSON, and a
 * browser names the page's origin). Plus the security headers every
 * response carries.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Host names every API answers to; more come from SLUICE_ALLOWED_HOSTS. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** Thrown as a 403 when a request comes from a place that may not change things. */
export class ForbiddenRequestError extends Error {
  override readonly name = 'ForbiddenRequestError';
}

/** Thrown as a 415 when a request changing something is not JSON. */
export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `example.com:8080` → `example.com`; `[::1]:8080` → `[::1]`. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export interface TransportOptions {
  /** Host names (no port) requests may be addressed to, besides loopback. */
  allowedHosts?: readonly string[];
  /** Origins (`https://sluice.example.com`) that may change things, besides the request's own host. */
  allowedOrigins?: readonly string[];
}

export function checkTransport(opts: TransportOptions = {}): RequestHandler {
  const hosts = new Set([...LOOPBACK_HOSTS, ...(opts.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  const origins = new Set((opts.allowedOrigins ?? []).map((o) => o.toLowerCase().replace(/\/$/, '')));
  return (req, _res, next) => {
    const host = req.headers.host;
    if (!host || !hosts.has(hostName(host))) {
      return next(
        new ForbiddenRequestError(
          `This API does not answer to host "${host ?? ''}"; add it to SLUICE_ALLOWED_HOSTS if it is really this server's name`,
        ),
      );
    }
    if (!STATE_CHANGING.has(req.method)) return next();

    const origin = req.headers.origin;
    if (origin !== undefined) {
      const o = origin.toLowerCase();
      const own = o === `http://${host.toLowerCase()}` || o === `https://${host.toLowerCase()}`;
      if (!own && !origins.has(o)) {
        return next(new ForbiddenRequestError(`Requests that change something may not come from origin "${origin}"`));
      }
    } else {
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        return next(
          new ForbiddenRequestError(`Requests that change something may not come from another site (${site})`),
        );
      }
    }

    const type = req.headers['content-type'];
    const hasBody =
      type !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0 ||
      req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !(type ?? '').toLowerCase().startsWith('application/json')) {
      return next(
        new UnsupportedMediaTypeError(`Send the request body as application/json (got "${type ?? 'no content type'}")`),
      );
    }
    next();
  };
}

/** Security headers: no framing, a same-origin content policy, no sniffing, no referrer across origins. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });
}
