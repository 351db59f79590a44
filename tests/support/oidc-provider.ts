/**
 * A real OpenID Connect provider (`oidc-provider`) on loopback for the
 * sign-in tests, with its development login and consent pages: any account
 * id signs in, and its claims come from `accounts`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  email?: string;
  name?: string;
  /** Sent as the `sluice_role` claim. */
  role?: string;
  /** Sent as the `groups` claim. */
  groups?: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startOidcProvider(opts: {
  redirectUri: string;
  accounts: Record<string, TestAccount>;
}): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'sluice';
  const clientSecret = 'a-client-secret-for-tests-only';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email'],
      profile: ['name', 'preferred_username', 'sluice_role', 'groups'],
    },
    conformIdTokenClaims: false,
    cookies: { keys: ['oidc-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      const a = opts.accounts[sub];
      if (!a) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            preferred_username: sub,
            ...(a.email ? { email: a.email } : {}),
            ...(a.name ? { name: a.name } : {}),
            ...(a.role ? { sluice_role: a.role } : {}),
            ...(a.groups ? { groups: a.groups } : {}),
          };
        },
      };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Cookies by host, as a browser would keep them (paths ignored: the names differ). */
class CookieJar {
  #byHost = new Map<string, Map<string, string>>();

  header(url: URL): string {
    return [...(this.#byHost.get(url.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(url: URL, res: Response): void {
    const jar = this.#byHost.get(url.host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.#byHost.set(url.host, jar);
  }
}

export interface BrowserLikeResult {
  /** The last URL the flow was sent to (after the provider sent it back). */
  finalUrl: URL;
  /** The cookie header a browser would now send to `finalUrl`'s host. */
  cookieFor(url: string): string;
}

/**
 * Walks a sign-in as a browser does, following redirects by hand: from
 * `startUrl` (Sluice's /auth/oidc/login) through the provider's login and
 * consent pages (signing in as `accountId`) back to Sluice's callback, and
 * stops at the first answer that is not a redirect to either.
 */
export async function signInThroughProvider(startUrl: string, accountId: string): Promise<BrowserLikeResult> {
  const jar = new CookieJar();
  let url = new URL(startUrl);
  let method = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(url),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    jar.store(url, res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status === 200 && action && (prompt === 'login' || prompt === 'consent')) {
      url = new URL(action, url);
      method = 'POST';
      body = new URLSearchParams(
        prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt },
      ).toString();
      continue;
    }
    return { finalUrl: url, cookieFor: (u: string) => jar.header(new URL(u)) };
  }
  throw new Error(`sign-in through ${startUrl} did not end after 20 hops`);
}
