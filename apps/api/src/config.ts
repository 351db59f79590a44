import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseConfig, roles } from '@sluice/core';
import { DEFAULT_AUTH, type AuthSettings } from './auth/settings';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const commaList = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

export const ApiConfig = z
  .object({
    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/sluice'),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    SLUICE_QUEUE_PREFIX: z.string().min(1).default('sluice'),
    SLUICE_API_HOST: z.string().min(1).default('127.0.0.1'),
    SLUICE_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** The built web UI; served at / when the folder exists. */
    SLUICE_WEB_DIST: z.string().min(1).default(path.join(repoRoot, 'apps/web/dist')),
    /** Encrypts connection credentials at rest; workers need the same value. */
    SLUICE_SECRET_KEY: z.string().min(16, 'use at least 16 characters').optional(),
    /** More host names (comma-separated) the API answers to; loopback names always work. */
    SLUICE_ALLOWED_HOSTS: z.string().default('').transform(commaList),
    /** Origins (comma-separated, e.g. https://sluice.example.com) that may change things besides the API's own. */
    SLUICE_ALLOWED_ORIGINS: z.string().default('').transform(commaList),
    /** How long a starting process waits for Postgres and Redis to answer before it exits. */
    SLUICE_STARTUP_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
    /** `on`: sign-in and API tokens; `off`: everyone is a local admin (refused on a non-loopback address). */
    SLUICE_AUTH: z.enum(['on', 'off']).default('on'),
    /** How long a browser stays signed in. */
    SLUICE_SESSION_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
    /** Mark the session cookie Secure; set when users reach Sluice over HTTPS. */
    SLUICE_SECURE_COOKIES: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Single sign-on: the OpenID Connect issuer URL; with it, the client id, secret and this API's callback URL. */
    SLUICE_OIDC_ISSUER: z.url().optional(),
    SLUICE_OIDC_CLIENT_ID: z.string().min(1).optional(),
    SLUICE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** `<public URL of Sluice>/api/v1/auth/oidc/callback`, as registered at the provider. */
    SLUICE_OIDC_REDIRECT_URL: z.url().optional(),
    SLUICE_OIDC_NAME: z.string().min(1).default('single sign-on'),
    SLUICE_OIDC_DEFAULT_ROLE: z.enum(roles).default('viewer'),
    /** A claim carrying the role (viewer/operator/admin); when set, the provider decides roles. */
    SLUICE_OIDC_ROLE_CLAIM: z.string().min(1).optional(),
    /** A claim carrying the user's teams (an array of names). */
    SLUICE_OIDC_TEAMS_CLAIM: z.string().min(1).optional(),
    /** s3://bucket/prefix: read ended tries' logs from there (workers write them). */
    SLUICE_REMOTE_LOGS: z.string().startsWith('s3://', 'use s3://bucket/prefix').optional(),
    /** Serve /metrics, /healthz and /readyz on this port (unset: none). */
    SLUICE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    SLUICE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** pretty: coloured lines for a terminal; json: JSON lines; auto: pretty when stdout is a terminal. */
    SLUICE_LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
    SLUICE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    const oidc = [c.SLUICE_OIDC_CLIENT_ID, c.SLUICE_OIDC_CLIENT_SECRET, c.SLUICE_OIDC_REDIRECT_URL];
    if (c.SLUICE_OIDC_ISSUER && oidc.some((v) => v === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['SLUICE_OIDC_ISSUER'],
        message:
          'single sign-on also needs SLUICE_OIDC_CLIENT_ID, SLUICE_OIDC_CLIENT_SECRET and SLUICE_OIDC_REDIRECT_URL',
      });
    if (c.SLUICE_AUTH === 'off' && !isLoopback(c.SLUICE_API_HOST))
      ctx.addIssue({
        code: 'custom',
        path: ['SLUICE_AUTH'],
        message: `SLUICE_AUTH=off lets anyone who reaches the port act as admin; it is refused on ${c.SLUICE_API_HOST} (use a loopback address, or turn sign-in on)`,
      });
  });
export type ApiConfig = z.infer<typeof ApiConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return parseConfig(ApiConfig, env, 'API');
}

/** Whether listening on `host` keeps the API to this machine. */
export function isLoopback(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host.toLowerCase()) || /^127\./.test(host);
}

/** The API's auth settings from its configuration. */
export function authSettings(c: ApiConfig): AuthSettings {
  const issuer = c.SLUICE_OIDC_ISSUER;
  return {
    ...DEFAULT_AUTH,
    mode: c.SLUICE_AUTH,
    sessionTtlMs: c.SLUICE_SESSION_HOURS * 3_600_000,
    secureCookies: c.SLUICE_SECURE_COOKIES,
    ...(issuer && c.SLUICE_OIDC_CLIENT_ID && c.SLUICE_OIDC_CLIENT_SECRET && c.SLUICE_OIDC_REDIRECT_URL
      ? {
          oidc: {
            issuer,
            clientId: c.SLUICE_OIDC_CLIENT_ID,
            clientSecret: c.SLUICE_OIDC_CLIENT_SECRET,
            redirectUrl: c.SLUICE_OIDC_REDIRECT_URL,
            displayName: c.SLUICE_OIDC_NAME,
            defaultRole: c.SLUICE_OIDC_DEFAULT_ROLE,
            ...(c.SLUICE_OIDC_ROLE_CLAIM ? { roleClaim: c.SLUICE_OIDC_ROLE_CLAIM } : {}),
            ...(c.SLUICE_OIDC_TEAMS_CLAIM ? { teamsClaim: c.SLUICE_OIDC_TEAMS_CLAIM } : {}),
            // Plain HTTP only to a provider on this machine.
            allowHttp: isLoopback(new URL(issuer).hostname),
          },
        }
      : {}),
  };
}
