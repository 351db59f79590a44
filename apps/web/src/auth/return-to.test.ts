import { describe, expect, it } from 'vitest';
import { loginPath, safeReturnTo, ssoPath } from './return-to';

describe('where sign-in returns to', () => {
  it('keeps a path on this site with its query', () => {
    expect(safeReturnTo('/dags/x?view=graph')).toBe('/dags/x?view=graph');
  });

  it('never leaves the site: protocol-relative, backslash and absolute URLs go to /', () => {
    for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', ''])
      expect(safeReturnTo(bad)).toBe('/');
    expect(safeReturnTo(null)).toBe('/');
  });

  it('never returns to the sign-in page itself', () => {
    expect(safeReturnTo('/login?returnTo=/dags')).toBe('/');
  });

  it('the sign-in page remembers an encoded path, and none for the home page', () => {
    expect(loginPath('/dags/a b?x=1')).toBe('/login?returnTo=%2Fdags%2Fa%20b%3Fx%3D1');
    expect(loginPath('/')).toBe('/login');
  });

  it('single sign-on carries the return path to the API', () => {
    expect(ssoPath('/api/v1/auth/oidc/login', '/dags/x')).toBe('/api/v1/auth/oidc/login?returnTo=%2Fdags%2Fx');
    expect(ssoPath('/api/v1/auth/oidc/login', '//evil.example')).toBe('/api/v1/auth/oidc/login?returnTo=%2F');
  });
});
