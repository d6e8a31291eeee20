/** A small bar of bytes split by node, in the page view's node colours (the system view's rows). */
import type { NodeBytes } from '../../common/system-overview.js';
import { colourOfNode } from '../heatmap/palette.js';
import { formatBytes, formatPercent } from '../model/format.js';
import { barParts, totalOf } from '../model/system-view.js';

interface Props {
  bytes: NodeBytes | null;
  /** The nodes in panel order, which picks each node's colour. */
  order: readonly number[];
  /** Why there are no figures, shown on hover of the empty bar. */
  missing?: string;
}

export function NodeBytesBar({ bytes, order, missing }: Props) {
  if (bytes === null || totalOf(bytes) === 0) return <div className="nodebar nodebar-none" title={missing ?? 'no memory on any node'} data-node-bar="" />;
  const parts = barParts(bytes, order);
  const total = totalOf(bytes);
  const label = parts.map((p) => `node ${p.node}: ${formatBytes(p.bytes)} (${formatPercent(p.bytes, total)})`).join('\n');
  return (
    <div className="nodebar" title={label} aria-label={label.replace(/\n/g, ', ')} role="img" data-node-bar={parts.map((p) => `${p.node}:${p.bytes}`).join(',')}>
      {parts.map((part) => (
        <div key={part.node} style={{ width: `${100 * part.share}%`, background: colourOfNode(part.node, order) }} />
      ))}
    </div>
  );
}
