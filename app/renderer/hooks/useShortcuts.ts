/**
 * One keydown listener on the document for the page's shortcuts (model/shortcuts.ts), so they
 * work wherever the focus is, except while typing in a field or inside a modal dialog. An
 * action returns false when it does not apply now (nothing selected, nothing to undo): the
 * key is then left to the browser.
 */
import { useEffect } from 'react';
import { keyBelongsToTarget, shortcutOf, type ShortcutAction } from '../model/shortcuts.js';
import { useLatest } from './useLatest.js';

export type ShortcutHandlers = Partial<Record<ShortcutAction, () => boolean>>;

export function useShortcuts(handlers: ShortcutHandlers): void {
  const latest = useLatest(handlers);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      // Handled already, e.g. by the focused heatmap's own keys (arrows, + -, 0).
      if (event.defaultPrevented || event.isComposing) return;
      if (keyBelongsToTarget(event.target instanceof Element ? event.target : null)) return;
      const action = shortcutOf(event);
      if (action === null) return;
      if (latest.current[action]?.() === true) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [latest]);
}
