/** The list of keyboard shortcuts, opened with `?` and closed with Escape. */
import { SHORTCUTS, type ShortcutAction } from '../model/shortcuts.js';
import { Dialog } from './Dialog.js';

interface Props {
  /** Shortcuts that cannot do anything on this page (no go-to field, no server to move with). */
  unavailable: ReadonlySet<ShortcutAction>;
  onClose(): void;
}

export function ShortcutHelp({ unavailable, onClose }: Props) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="shortcut-help">
      <table className="shortcut-table" data-testid="shortcut-help">
        <tbody>
          {SHORTCUTS.filter((s) => !unavailable.has(s.action)).map((s) => (
            <tr key={s.action} data-action={s.action}>
              <th>
                {s.keys.map((key, i) => (
                  <span key={key}>
                    {i > 0 ? ' or ' : null}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </th>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">The heatmaps also take ← → + − when focused, and Escape clears the selection there. Shortcuts wait while you type in a field.</p>
    </Dialog>
  );
}
