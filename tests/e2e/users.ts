/** Who the browser tests sign in as: made by serve.ts, used by the specs. */

export const E2E_USERS = {
  admin: { username: 'e2e-admin', password: 'admin-password-for-e2e', role: 'admin' },
  operator: { username: 'e2e-operator', password: 'operator-password-for-e2e', role: 'operator' },
  viewer: { username: 'e2e-viewer', password: 'viewer-password-for-e2e', role: 'viewer' },
} as const;

export type E2eUser = (typeof E2E_USERS)[keyof typeof E2E_USERS];

/** The account of the test OpenID Connect provider; its `sluice_role` claim makes it an operator. */
export const SSO_ACCOUNT = { id: 'sso-ann', name: 'Ann from SSO', role: 'operator' } as const;

/** The label of the single sign-on button. */
export const SSO_NAME = 'Test IdP';
