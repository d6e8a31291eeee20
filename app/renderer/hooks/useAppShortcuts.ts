/**
 * What each page-wide shortcut does in this application: the view keys go to the heatmaps,
 * `/` and `g` focus their fields, `m` opens the move dialog for the selection, `u` undoes the
 * last move, `p` pauses polling, `t` switches the theme and `?` opens the list.
 */
import type { RefObject } from 'react';
import type { HeatmapHandle } from '../components/HeatmapStack.js';
import type { MovePhase } from '../model/moves.js';
import { VIEW_KEYS, type ShortcutAction } from '../model/shortcuts.js';
import { useShortcuts, type ShortcutHandlers } from './useShortcuts.js';

interface AppActions {
  heatmaps: RefObject<HeatmapHandle | null>;
  /** Opens the move dialog when there is a selection that can move; false when not. */
  openMove(): boolean;
  move: MovePhase;
  undo(moveId: string): void;
  /** Null when nothing is being polled. */
  polling: { paused: boolean; change(paused: boolean): void } | null;
  toggleTheme(): void;
  openHelp(): void;
}

/** Focuses the field marked data-shortcut="NAME", when the page has one. */
function focusField(name: string): boolean {
  const field = document.querySelector<HTMLElement>(`[data-shortcut="${name}"]`);
  if (field === null) return false;
  field.focus();
  if (field instanceof HTMLInputElement) field.select();
  return true;
}

/** Shortcuts that can do nothing on this page now, left out of the help. */
export function unavailableShortcuts(actions: Pick<AppActions, 'polling'>): Set<ShortcutAction> {
  const out = new Set<ShortcutAction>();
  if (document.querySelector('[data-shortcut="goto"]') === null) out.add('goto');
  if (actions.polling === null) out.add('pause');
  return out;
}

export function useAppShortcuts(actions: AppActions): void {
  const view = (action: ShortcutAction) => (): boolean => {
    const key = VIEW_KEYS[action];
    return key !== undefined && actions.heatmaps.current?.viewKey(key) === true;
  };
  const handlers: ShortcutHandlers = {
    'zoom-in': view('zoom-in'),
    'zoom-out': view('zoom-out'),
    'pan-left': view('pan-left'),
    'pan-right': view('pan-right'),
    reset: view('reset'),
    filter: () => focusField('filter'),
    goto: () => focusField('goto'),
    move: actions.openMove,
    undo: () => {
      const { move } = actions;
      if (move.phase !== 'done' || move.kind !== 'move' || !move.result.undoable) return false;
      actions.undo(move.result.moveId);
      return true;
    },
    pause: () => {
      if (actions.polling === null) return false;
      actions.polling.change(!actions.polling.paused);
      return true;
    },
    theme: () => {
      actions.toggleTheme();
      return true;
    },
    help: () => {
      actions.openHelp();
      return true;
    },
  };
  useShortcuts(handlers);
}
