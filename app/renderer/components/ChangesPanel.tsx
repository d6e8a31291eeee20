/** What changed: in the last poll (live), or between a chosen snapshot and the one shown (compare). */
import type { WireChanges } from '../../common/ipc.js';
import type { PlacementDiff } from '../../common/snapshot/diff.js';
import { transitionRows } from '../model/changes.js';
import { formatCount, plural } from '../model/format.js';
import { COLOURS } from '../heatmap/palette.js';

interface LiveProps {
  kind: 'live';
  changes: WireChanges | null;
  /** The most recent poll that changed anything, so a quiet poll does not hide it. */
  lastChange: { changes: WireChanges; takenAt: string } | null;
}

interface CompareProps {
  kind: 'compare';
  diff: PlacementDiff;
  /** Name of the snapshot compared against. */
  against: string;
  againstTakenAt: string;
  onClose(): void;
}

function Transitions({ rows }: { rows: { from: number; to: number; pages: number }[] }) {
  const sorted = transitionRows(rows);
  if (sorted.length === 0) return null;
  return (
    <table className="transitions">
      <tbody>
        {sorted.slice(0, 12).map((row) => (
          <tr key={`${row.from}>${row.to}`}>
            <td>{row.label}</td>
            <td className="num">{formatCount(row.pages)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ChangesPanel(props: LiveProps | CompareProps) {
  const marker = <span className="swatch" style={{ background: COLOURS.changed }} />;
  if (props.kind === 'live') {
    const { changes } = props;
    return (
      <section className="changes" aria-label="Changes in the last poll" data-testid="changes">
        <strong>Last poll</strong>{' '}
        {changes === null ? (
          <span className="muted">first scan: nothing to compare yet</span>
        ) : changes.total === 0 ? (
          <span className="muted">
            no page changed
            {props.lastChange !== null
              ? ` · last change at ${new Date(props.lastChange.takenAt).toLocaleTimeString()}: ${plural(props.lastChange.changes.total, 'page')} (${transitionRows(props.lastChange.changes.summary)
                  .slice(0, 3)
                  .map((r) => `${r.label}: ${formatCount(r.pages)}`)
                  .join(', ')})`
              : ''}
          </span>
        ) : (
          <>
            <span>
              {plural(changes.total, 'page')} changed {marker}
              <span className="muted">
                {' '}
                marked on the heatmaps{changes.sample.length < changes.total ? ` (the first ${formatCount(changes.sample.length)})` : ''}
              </span>
            </span>
            <Transitions rows={changes.summary} />
          </>
        )}
      </section>
    );
  }
  const { diff } = props;
  return (
    <section className="changes compare" aria-label="Snapshot comparison" data-testid="compare">
      <div className="section-head">
        <strong>Compared with {props.against}</strong>
        <span className="muted">taken {new Date(props.againstTakenAt).toLocaleString()}</span>
        <button type="button" onClick={props.onClose}>
          Stop comparing
        </button>
      </div>
      {!diff.sameProcess ? <p className="warning">These snapshots are of different processes (pid or start time differ).</p> : null}
      <p>
        {formatCount(diff.changedPages)} of {plural(diff.comparedPages, 'page')} changed {marker}
        {diff.gonePages > 0 ? ` · ${plural(diff.gonePages, 'page')} no longer mapped` : ''}
        {diff.newPages > 0 ? ` · ${formatCount(diff.newPages)} newly mapped` : ''}
        {' · '}
        {formatCount(diff.moved.reduce((sum, t) => sum + t.pages, 0))} moved between nodes
      </p>
      <Transitions rows={diff.transitions} />
    </section>
  );
}
