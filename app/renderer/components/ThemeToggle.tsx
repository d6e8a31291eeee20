/** The button that switches between the light and the dark theme (also `t`). */
import type { Theme } from '../hooks/useTheme.js';

export function ThemeToggle({ theme }: { theme: Theme }) {
  const next = theme.theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="theme-toggle" data-testid="theme-toggle" onClick={theme.toggle} title={`Switch to the ${next} theme (t)`} aria-label={`Switch to the ${next} theme`}>
      {next === 'dark' ? '☾ Dark' : '☀ Light'}
    </button>
  );
}
