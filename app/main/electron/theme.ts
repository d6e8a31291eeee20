/**
 * The window's colour before the page paints (and behind it while it loads), matching the
 * page's own background in the scheme the desktop prefers, so the window never flashes a
 * colour the page does not have. The page (app/renderer/styles.css) follows the system's
 * scheme with `--bg: light-dark(LIGHT, DARK)`; test/unit/electron/shell-desktop.test.ts
 * holds these to the stylesheet.
 */
export const WINDOW_BACKGROUND = { light: '#ffffff', dark: '#14181d' } as const;

export function windowBackground(prefersDark: boolean): string {
  return prefersDark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}
