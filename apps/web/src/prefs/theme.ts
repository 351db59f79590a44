/** Light or dark: the system's choice unless the person picked one. */
import { useEffect } from 'react';
import { usePreference, writePreference } from './store';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_KEY = 'sluice.theme';

export const isThemeChoice = (v: unknown): v is ThemeChoice => v === 'system' || v === 'light' || v === 'dark';

export function useTheme(): [ThemeChoice, (next: ThemeChoice) => void] {
  const theme = usePreference(THEME_KEY, isThemeChoice, 'system');
  // "system" leaves data-theme off, so the stylesheet's prefers-color-scheme rule decides.
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return [theme, (next) => writePreference(THEME_KEY, next)];
}
