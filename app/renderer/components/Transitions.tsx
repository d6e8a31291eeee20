/** Status transitions (from -> to, pages), most pages first. */
import { transitionRows } from '../model/changes.js';
import { formatCount } from '../model/format.js';

export function Transitions({ rows, limit = 12 }: { rows: readonly { from: number; to: number; pages: number }[]; limit?: number }) {
  const sorted = transitionRows(rows);
  if (sorted.length === 0) return null;
  return (
    <table className="transitions" data-testid="transitions">
      <tbody>
        {sorted.slice(0, limit).map((row) => (
          <tr key={`${row.from}>${row.to}`}>
            <td>{row.label}</td>
            <td className="num">{formatCount(row.pages)}</td>
          </tr>
        ))}
        {sorted.length > limit ? (
          <tr>
            <td className="muted">{formatCount(sorted.length - limit)} more kinds of change</td>
            <td />
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
