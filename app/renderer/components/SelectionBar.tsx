/** What is selected, with the buttons to move it or clear it. */
import { formatBytes, plural } from '../model/format.js';
import { countPages, type AddressRange } from '../model/selection.js';

interface Props {
  ranges: readonly AddressRange[] | null;
  pageSize: number;
  canMove: boolean;
  moving: boolean;
  exited: boolean;
  onMove(): void;
  onClear(): void;
}

export function SelectionBar({ ranges, pageSize, canMove, moving, exited, onMove, onClear }: Props) {
  const pages = ranges === null ? 0 : countPages(ranges, pageSize);
  return (
    <div className="selection-bar" aria-live="polite">
      {ranges !== null ? (
        <>
          <span data-testid="selection-summary">
            Selected {plural(pages, 'page')} ({formatBytes(pages * pageSize)}) in {plural(ranges.length, 'range')}
          </span>
          <button type="button" data-testid="move-to-node" onClick={onMove} disabled={!canMove || moving}>
            Move to node…
          </button>
          <button type="button" onClick={onClear}>
            Clear selection
          </button>
          {!canMove ? <span className="muted">{exited ? 'the process has exited: nothing to move' : 'moving needs a live process'}</span> : null}
        </>
      ) : (
        <span className="muted">Drag across a heatmap or click regions below to select pages.</span>
      )}
    </div>
  );
}
