/**
 * Light or dark: the system's prefers-color-scheme until the user picks one with the theme
 * button (or `t`), which is remembered in localStorage. The choice is written to
 * <html data-theme>, where the style sheet's light-dark() colours pick it up.
 */
import { useCallback, useEffect, useState } from 'react';

export type ThemeName = 'light' | 'dark';

export interface Theme {
  /** The theme shown. */
  theme: ThemeName;
  /** Whether the user pinned it (else it follows the system). */
  pinned: boolean;
  toggle(): void;
}

export const THEME_KEY = 'numascope.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function storedTheme(): ThemeName | null {
  try {
    const value = window.localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    // Storage can be off (privacy settings, some file:// pages): the choice then lasts for the page only.
    return null;
  }
}

function storeTheme(theme: ThemeName): void {
  try {
    window.localStorage.setItem(THEME_KEY, theme);
  } catch {
    // See storedTheme.
  }
}

function systemTheme(): ThemeName {
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

export function useTheme(): Theme {
  const [pinned, setPinned] = useState<ThemeName | null>(storedTheme);
  const [system, setSystem] = useState<ThemeName>(systemTheme);

  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY);
    const follow = (): void => setSystem(query.matches ? 'dark' : 'light');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);

  const theme = pinned ?? system;
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  const toggle = useCallback(() => {
    const next: ThemeName = (pinned ?? systemTheme()) === 'dark' ? 'light' : 'dark';
    storeTheme(next);
    setPinned(next);
  }, [pinned]);

  return { theme, pinned: pinned !== null, toggle };
}
