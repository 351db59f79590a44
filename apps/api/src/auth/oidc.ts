/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE),
 * through `openid-client`. The browser leaves for the provider with a state,
 * nonce and PKCE verifier kept in a short-lived HttpOnly cookie; the
 * provider sends it back to the callback, which checks all three, reads the
 * ID token's claims and signs the user in.
 */
import * as oidc from 'openid-client';
import { type Role, roles } from '@sluice/core';
import type { OidcIdentity } from '@sluice/db';

export interface OidcSettings {
  /** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This API's callback as the provider knows it: `<public URL>/api/v1/auth/oidc/callback`. */
  redirectUrl: string;
  /** Label of the sign-in button. */
  displayName: string;
  /** Role of a user seen for the first time when the provider sends none. */
  defaultRole: Role;
  /** A claim holding the role (`viewer`/`operator`/`admin`); when set, the provider decides roles at every sign-in. */
  roleClaim?: string;
  /** A claim holding the user's teams (an array of names). */
  teamsClaim?: string;
  /** Allow an http:// issuer (a provider on this machine, in development and tests). */
  allowHttp: boolean;
}

export const OIDC_COOKIE = 'sluice_oidc';

export interface OidcStart {
  url: string;
  /** What the callback must find again; kept in the OIDC_COOKIE. */
  pending: string;
}

export class OidcClient {
  #config: Promise<oidc.Configuration> | null = null;

  constructor(readonly settings: OidcSettings) {}

  #discover(): Promise<oidc.Configuration> {
    this.#config ??= oidc
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        undefined,
        oidc.ClientSecretPost(this.settings.clientSecret),
        this.settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((raw: unknown) => {
        // Try again on the next sign-in instead of keeping a failed discovery.
        this.#config = null;
        throw raw;
      });
    return this.#config;
  }

  async start(returnTo: string): Promise<OidcStart> {
    const config = await this.#discover();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, pending: JSON.stringify({ verifier, state, nonce, returnTo }) };
  }

  /** Checks the provider's answer against the pending cookie; returns the identity and where to go next. */
  async finish(callbackUrl: URL, pending: string): Promise<{ identity: OidcIdentity; returnTo: string }> {
    const p = JSON.parse(pending) as { verifier: string; state: string; nonce: string; returnTo: string };
    const config = await this.#discover();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: p.verifier,
      expectedState: p.state,
      expectedNonce: p.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider sent no ID token');
    let userinfo: Record<string, unknown> = {};
    if (tokens.access_token) {
      userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => ({}));
    }
    const all: Record<string, unknown> = { ...userinfo, ...claims };
    const str = (k: string): string | null => (typeof all[k] === 'string' ? (all[k] as string) : null);
    const roleValue = this.settings.roleClaim ? str(this.settings.roleClaim) : null;
    const role = roles.find((r) => r === roleValue);
    const teamsValue = this.settings.teamsClaim ? all[this.settings.teamsClaim] : undefined;
    return {
      identity: {
        issuer: claims.iss,
        subject: claims.sub,
        username: str('preferred_username') ?? str('email') ?? claims.sub,
        email: str('email'),
        displayName: str('name'),
        role: role ?? this.settings.defaultRole,
        providerDecidesRole: this.settings.roleClaim !== undefined && role !== undefined,
        teams: Array.isArray(teamsValue) ? teamsValue.filter((t): t is string => typeof t === 'string') : [],
      },
      returnTo: p.returnTo,
    };
  }
}
