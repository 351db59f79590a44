import type { Role } from '@sluice/client';

/** Least to most: each role may do everything the ones before it may. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export function roleAllows(has: Role, needs: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needs);
}

/** The roles a user may hand to a token: their own and below. */
export function rolesUpTo(role: Role): Role[] {
  return ROLES.filter((r) => roleAllows(role, r));
}

/** The tooltip of an action the user's role may not take. */
export function needsRoleTitle(action: string, needs: Role, has: Role): string {
  return `${action} needs the ${needs} role; you are ${has === 'admin' ? 'an' : 'a'} ${has}`;
}
