import { describe, expect, it } from 'vitest';
import { roleAllows, roles, weakerRole } from './roles';

describe('roles', () => {
  it('orders viewer < operator < admin, each including the one before', () => {
    expect(roles).toEqual(['viewer', 'operator', 'admin']);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('operator', 'viewer')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows('admin', 'operator')).toBe(true);
  });

  it('a token is capped at the weaker of its own role and its owner’s', () => {
    expect(weakerRole('admin', 'viewer')).toBe('viewer');
    expect(weakerRole('viewer', 'admin')).toBe('viewer');
    expect(weakerRole('operator', 'admin')).toBe('operator');
    expect(weakerRole('admin', 'admin')).toBe('admin');
  });
});
