import { describe, expect, it } from 'vitest';
import { authSettings, isLoopback, loadConfig } from './config';

describe('API auth configuration', () => {
  it('has sign-in on unless told otherwise', () => {
    expect(authSettings(loadConfig({})).mode).toBe('on');
  });

  it('refuses SLUICE_AUTH=off on an address other machines reach, and names why', () => {
    expect(() => loadConfig({ SLUICE_AUTH: 'off', SLUICE_API_HOST: '0.0.0.0' })).toThrow(
      /SLUICE_AUTH=off lets anyone who reaches the port act as admin; it is refused on 0\.0\.0\.0/,
    );
    expect(() => loadConfig({ SLUICE_AUTH: 'off', SLUICE_API_HOST: '10.1.2.3' })).toThrow(/refused on 10\.1\.2\.3/);
    expect(authSettings(loadConfig({ SLUICE_AUTH: 'off', SLUICE_API_HOST: '127.0.0.1' })).mode).toBe('off');
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.4', 'sluice.example.com']) expect(isLoopback(h), h).toBe(false);
  });

  it('asks for the rest of the single sign-on settings when only the issuer is given', () => {
    expect(() => loadConfig({ SLUICE_OIDC_ISSUER: 'https://idp.example.com' })).toThrow(
      /SLUICE_OIDC_CLIENT_ID, SLUICE_OIDC_CLIENT_SECRET and SLUICE_OIDC_REDIRECT_URL/,
    );
    const full = authSettings(
      loadConfig({
        SLUICE_OIDC_ISSUER: 'https://idp.example.com',
        SLUICE_OIDC_CLIENT_ID: 'sluice',
        SLUICE_OIDC_CLIENT_SECRET: 's3cret',
        SLUICE_OIDC_REDIRECT_URL: 'https://sluice.example.com/api/v1/auth/oidc/callback',
        SLUICE_OIDC_ROLE_CLAIM: 'sluice_role',
      }),
    );
    expect(full.oidc).toMatchObject({ issuer: 'https://idp.example.com', roleClaim: 'sluice_role', allowHttp: false });
  });
});
