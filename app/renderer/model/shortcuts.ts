/**
 * The keyboard shortcuts of the whole page, in the spirit of Perfetto's: w/s zoom and a/d pan
 * the heatmaps without clicking them first. Pure: which action a key asks for, and whether a
 * key press belongs to a text field (then it is typing, not a shortcut).
 */

export type ShortcutAction = 'zoom-in' | 'zoom-out' | 'pan-left' | 'pan-right' | 'reset' | 'filter' | 'goto' | 'move' | 'undo' | 'pause' | 'theme' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** KeyboardEvent.key values; the first is the one shown. */
  keys: readonly string[];
  does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'zoom-in', keys: ['w'], does: 'zoom in' },
  { action: 'zoom-out', keys: ['s'], does: 'zoom out' },
  { action: 'pan-left', keys: ['a'], does: 'pan left (towards lower addresses)' },
  { action: 'pan-right', keys: ['d'], does: 'pan right' },
  { action: 'reset', keys: ['0', 'Home'], does: 'show the whole address space' },
  { action: 'filter', keys: ['/'], does: 'filter the regions' },
  { action: 'goto', keys: ['g'], does: 'go to an address' },
  { action: 'move', keys: ['m'], does: 'move the selection to another node' },
  { action: 'undo', keys: ['u'], does: 'undo the last move' },
  { action: 'pause', keys: ['p'], does: 'pause or resume polling' },
  { action: 'theme', keys: ['t'], does: 'switch between the light and the dark theme' },
  { action: 'help', keys: ['?'], does: 'show these shortcuts (Esc closes)' },
];

const BY_KEY = new Map<string, ShortcutAction>(SHORTCUTS.flatMap((s) => s.keys.map((key) => [key, s.action] as const)));

interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The action a key press asks for; null with ctrl, cmd or alt held (those belong to the browser). */
export function shortcutOf(press: KeyPress): ShortcutAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  // Caps lock should not turn the shortcuts off.
  return BY_KEY.get(press.key) ?? BY_KEY.get(press.key.toLowerCase()) ?? null;
}

interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  closest?(selector: string): unknown;
}

/** Whether a key press lands where keys are text or belong to a modal dialog (its own Escape, Enter, fields). */
export function keyBelongsToTarget(target: TargetLike | null): boolean {
  if (target === null) return false;
  const tag = target.tagName?.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable === true) return true;
  return target.closest?.('dialog[open]') != null;
}

/** What the heatmaps' own key handler does for each view action (heatmap/zoom.ts's keyCommand keys). */
export const VIEW_KEYS: Partial<Record<ShortcutAction, string>> = {
  'zoom-in': '+',
  'zoom-out': '-',
  'pan-left': 'ArrowLeft',
  'pan-right': 'ArrowRight',
  reset: '0',
};
