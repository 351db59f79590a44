/**
 * Settings a person picks once and keeps (time zone, theme): kept in
 * localStorage, shared by every component that reads them, and the same in
 * every tab after a reload.
 */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    // Storage can be switched off (a privacy mode): the default then holds for this page.
    return null;
  }
}

export function writePreference(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // As above: not kept, still applied until the page reloads.
  }
  memory.set(key, value);
  for (const listener of listeners) listener();
}

const memory = new Map<string, string>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The stored value of `key` when `valid` accepts it, else `fallback`. */
export function usePreference<T extends string>(key: string, valid: (v: unknown) => v is T, fallback: T): T {
  const value = useSyncExternalStore(subscribe, () => memory.get(key) ?? read(key));
  return valid(value) ? value : fallback;
}
