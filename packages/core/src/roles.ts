/**
 * Who may do what. Roles are ordered: each includes the one before it.
 * - viewer: reads DAGs, runs, task instances, logs.
 * - operator: also triggers, clears, marks, pauses.
 * - admin: also manages connections, variables, users and settings.
 */
export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Whether a principal holding `have` may do what needs `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return roles.indexOf(have) >= roles.indexOf(need);
}

/** The weaker of two roles: a token never grants more than its owner holds. */
export function weakerRole(a: Role, b: Role): Role {
  return roleAllows(a, b) ? b : a;
}
