/** Where to go after signing in: only a path on this site, never another site (`//evil.example`). */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !/^\/(?![/\\])/.test(value) || value.startsWith('/login')) return '/';
  return value;
}

/** The sign-in page, remembering where the user was. */
export function loginPath(returnTo: string): string {
  const target = safeReturnTo(returnTo);
  return target === '/' ? '/login' : `/login?returnTo=${encodeURIComponent(target)}`;
}

/** The single sign-on start, which comes back to `returnTo` after the provider. */
export function ssoPath(loginUrl: string, returnTo: string): string {
  return `${loginUrl}?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`;
}
