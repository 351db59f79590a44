import type { OidcSettings } from './oidc';

/** How the API knows who calls it. */
export interface AuthSettings {
  /**
   * `on`: every route but the public ones needs a session or an API token.
   * `off`: every request acts as a local admin — only for one person on a
   * loopback address; the API refuses to listen elsewhere with it.
   */
  mode: 'on' | 'off';
  /** How long a browser stays signed in. */
  sessionTtlMs: number;
  /** Mark the session cookie Secure (behind HTTPS). */
  secureCookies: boolean;
  /** Failed sign-ins allowed per client address and username in `loginWindowMs`. */
  loginMaxFailures: number;
  loginWindowMs: number;
  oidc?: OidcSettings;
}

export const DEFAULT_AUTH: AuthSettings = {
  mode: 'on',
  sessionTtlMs: 12 * 3600_000,
  secureCookies: false,
  loginMaxFailures: 10,
  loginWindowMs: 15 * 60_000,
};

export const SESSION_COOKIE = 'sluice_session';
