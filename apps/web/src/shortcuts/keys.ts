/**
 * Keyboard shortcuts: `/` search, `t` trigger, `g` then a letter to go to a
 * page, `?` this list. Keys typed into a field are the field's.
 */

export const GO_TO: ReadonlyArray<{ key: string; path: string; label: string }> = [
  { key: 'd', path: '/', label: 'DAGs' },
  { key: 'r', path: '/runs', label: 'Runs' },
  { key: 'i', path: '/task-instances', label: 'Task instances' },
  { key: 'v', path: '/variables', label: 'Variables' },
  { key: 'a', path: '/audit', label: 'Audit log' },
];

export const SHORTCUTS: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: '/', does: 'Search (the DAG list)' },
  { keys: 't', does: 'Trigger the DAG shown' },
  ...GO_TO.map((g) => ({ keys: `g ${g.key}`, does: `Go to ${g.label}` })),
  { keys: '?', does: 'Show these shortcuts' },
];

export type ShortcutAction =
  | { kind: 'focus'; target: 'search' }
  | { kind: 'click'; target: 'trigger' }
  | { kind: 'go'; path: string }
  | { kind: 'help' }
  | { kind: 'pending-g' }
  | { kind: 'none' };

/** What a key does, given whether `g` was the key before it. */
export function actionOf(key: string, afterG: boolean): ShortcutAction {
  if (afterG) {
    const go = GO_TO.find((g) => g.key === key);
    return go ? { kind: 'go', path: go.path } : { kind: 'none' };
  }
  switch (key) {
    case '/':
      return { kind: 'focus', target: 'search' };
    case 't':
      return { kind: 'click', target: 'trigger' };
    case '?':
      return { kind: 'help' };
    case 'g':
      return { kind: 'pending-g' };
    default:
      return { kind: 'none' };
  }
}

/** True when the key belongs to where it was typed: a field, a choice, an editable element. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
