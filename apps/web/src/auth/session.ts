/**
 * What the browser keeps of its session besides the HttpOnly cookie: the
 * CSRF token every change must carry, and who to tell when the API says the
 * session is gone (a 401).
 */

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Kept from `GET /auth/me` or the sign-in answer; null when signed out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Headers for one request: `X-CSRF-Token` on every change, nothing on reads. */
export function csrfHeaders(method: string): Record<string, string> {
  if (READS.has(method.toUpperCase()) || csrfToken === null) return {};
  return { 'X-CSRF-Token': csrfToken };
}

/** Called on every 401 but a failed sign-in; returns the unsubscribe. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** A wrong password is the form's business, not "your session ended". */
const SIGN_IN_PATH = '/api/v1/auth/login';

function requestPath(input: RequestInfo | URL): string {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(href, 'http://x').pathname;
}

/** `fetch` that reports a 401 (session expired, signed out elsewhere) to the listeners. */
export function fetchWatchingSession(fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await fetchImpl(input, init);
    if (res.status === 401 && requestPath(input) !== SIGN_IN_PATH) {
      for (const listener of unauthorizedListeners) listener();
    }
    return res;
  };
}
