import { describe, expect, it } from 'vitest';
import { actionOf } from './keys';

describe('shortcut keys', () => {
  it('focuses search on /, triggers on t, shows help on ?', () => {
    expect(actionOf('/', false)).toEqual({ kind: 'focus', target: 'search' });
    expect(actionOf('t', false)).toEqual({ kind: 'click', target: 'trigger' });
    expect(actionOf('?', false)).toEqual({ kind: 'help' });
    expect(actionOf('x', false)).toEqual({ kind: 'none' });
  });

  it('goes to a page on g then its letter, and only right after g', () => {
    expect(actionOf('g', false)).toEqual({ kind: 'pending-g' });
    expect(actionOf('r', true)).toEqual({ kind: 'go', path: '/runs' });
    expect(actionOf('i', true)).toEqual({ kind: 'go', path: '/task-instances' });
    expect(actionOf('d', true)).toEqual({ kind: 'go', path: '/' });
    expect(actionOf('r', false)).toEqual({ kind: 'none' });
    expect(actionOf('z', true)).toEqual({ kind: 'none' });
  });
});
