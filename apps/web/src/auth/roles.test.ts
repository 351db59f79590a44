import { describe, expect, it } from 'vitest';
import { needsRoleTitle, roleAllows, rolesUpTo } from './roles';

describe('roles in the UI', () => {
  it('each role may do what the roles below it may, and no more', () => {
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows('admin', 'operator')).toBe(true);
  });

  it('a token may have the owner’s role or a lower one', () => {
    expect(rolesUpTo('viewer')).toEqual(['viewer']);
    expect(rolesUpTo('operator')).toEqual(['viewer', 'operator']);
    expect(rolesUpTo('admin')).toEqual(['viewer', 'operator', 'admin']);
  });

  it('the tooltip names the role needed and the one held', () => {
    expect(needsRoleTitle('Triggering', 'operator', 'viewer')).toBe(
      'Triggering needs the operator role; you are a viewer',
    );
  });
});
