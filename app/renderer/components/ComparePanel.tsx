/**
 * The comparison of two snapshots, read in one stated direction: from "before" to "after",
 * each named by its file (or the live process) and the time it was taken, with the pages per
 * node and per status in both and the change.
 */
import { describeStatus } from '../../common/errno.js';
import type { DirectedDiff, NamedSnapshot } from '../../common/snapshot/diff.js';
import { COLOURS } from '../heatmap/palette.js';
import { formatCount } from '../model/format.js';
import { Transitions } from './Transitions.js';

interface Props {
  directed: DirectedDiff;
  onSwap(): void;
  onClose(): void;
}

function signed(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : '0';
}

function Side({ role, side }: { role: string; side: NamedSnapshot }) {
  return (
    <span data-testid={`compare-${role}`}>
      <strong>{role}</strong> {side.name} <span className="muted">taken {new Date(side.snapshot.takenAt).toLocaleString()}</span>
    </span>
  );
}

export function ComparePanel({ directed, onSwap, onClose }: Props) {
  const { before, after, diff } = directed;
  const backwards = Date.parse(before.snapshot.takenAt) > Date.parse(after.snapshot.takenAt);
  return (
    <section className="changes compare" aria-label="Snapshot comparison" data-testid="compare">
      <div className="section-head">
        <strong>Change from before to after</strong>
        <Side role="before" side={before} />
        <span aria-hidden="true">→</span>
        <Side role="after" side={after} />
        <button type="button" onClick={onSwap} data-testid="compare-swap" title="Read the comparison the other way round">
          Swap before/after
        </button>
        <button type="button" onClick={onClose}>
          Stop comparing
        </button>
      </div>
      {backwards ? <p className="warning">Read backwards: “before” was taken after “after”.</p> : null}
      {!diff.sameProcess ? <p className="warning">These snapshots are of different processes (pid or start time differ).</p> : null}
      <table className="transitions compare-totals" data-testid="compare-totals">
        <thead>
          <tr>
            <th />
            <th className="num">before</th>
            <th className="num">after</th>
            <th className="num">change</th>
          </tr>
        </thead>
        <tbody>
          {diff.totals.map((row) => (
            <tr key={row.status} data-status={row.status}>
              <td>{describeStatus(row.status)}</td>
              <td className="num">{formatCount(row.before)}</td>
              <td className="num">{formatCount(row.after)}</td>
              <td className="num">{signed(row.delta)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="compare-summary">
        {formatCount(diff.changedPages)} of {formatCount(diff.comparedPages)} pages mapped in both changed{' '}
        <span className="swatch" style={{ background: COLOURS.changed }} />
        {diff.newPages > 0 ? ` · ${formatCount(diff.newPages)} pages newly mapped after` : ''}
        {diff.gonePages > 0 ? ` · ${formatCount(diff.gonePages)} pages no longer mapped after` : ''}
        {' · '}
        {formatCount(diff.moved.reduce((sum, t) => sum + t.pages, 0))} moved between nodes
      </p>
      <Transitions rows={diff.transitions} />
    </section>
  );
}
