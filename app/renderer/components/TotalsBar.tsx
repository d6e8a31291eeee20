/**
 * The process at a glance, before any detail: one bar of its mapped bytes split by node
 * (and the part not present), and per node its bytes and share, in binary units.
 */
import type { ViewData } from '../model/data.js';
import { formatBytes, formatCount, formatPercent } from '../model/format.js';
import { colourOfNode, HATCH_CSS } from '../heatmap/palette.js';

interface Props {
  data: ViewData;
}

export interface TotalsPart {
  key: string;
  /** Node id, or null for the pages not present. */
  node: number | null;
  label: string;
  pages: number;
  bytes: number;
  /** Share of the mapped pages, 0..1. */
  share: number;
  background: string;
}

/** Nodes in panel order (then any others), then "not present"; parts with no pages are left out of the bar but kept in the list for nodes. */
export function totalsParts(data: ViewData): TotalsPart[] {
  const { total, panelNodes, layout } = data;
  const nodes = [...panelNodes, ...[...total.byNode.keys()].filter((n) => !panelNodes.includes(n))];
  const whole = Math.max(total.pages, 1);
  const parts: TotalsPart[] = nodes.map((node) => {
    const pages = total.byNode.get(node) ?? 0;
    return { key: `n${node}`, node, label: `node ${node}`, pages, bytes: pages * layout.pageSize, share: pages / whole, background: colourOfNode(node, panelNodes) };
  });
  parts.push({ key: 'absent', node: null, label: 'not present', pages: total.absent, bytes: total.absent * layout.pageSize, share: total.absent / whole, background: HATCH_CSS });
  return parts;
}

export function TotalsBar({ data }: Props) {
  const { total, layout } = data;
  const parts = totalsParts(data);
  const present = total.pages - total.absent;
  return (
    <section className="totals" aria-label="Process totals" data-testid="totals">
      <div className="totals-head">
        <strong>{formatBytes(present * layout.pageSize)}</strong>
        <span className="muted">
          present of {formatBytes(total.pages * layout.pageSize)} mapped · {formatCount(data.summaries.length)} regions · {formatBytes(layout.pageSize)} pages
        </span>
      </div>
      <div className="totals-bar" role="img" aria-label={parts.map((p) => `${p.label} ${formatBytes(p.bytes)} (${formatPercent(p.pages, total.pages)})`).join(', ')}>
        {parts
          .filter((p) => p.pages > 0)
          .map((p) => (
            <div key={p.key} className="totals-segment" style={{ flexGrow: p.share, background: p.background }} title={`${p.label}: ${formatBytes(p.bytes)} (${formatPercent(p.pages, total.pages)})`} />
          ))}
      </div>
      <div className="totals-legend">
        {parts.map((p) => (
          <span key={p.key} className="totals-item" data-totals-part={p.node ?? 'absent'} data-bytes={p.bytes}>
            <span className="swatch" style={{ background: p.background }} />
            <span className="totals-label">{p.label}</span>
            <span className="totals-bytes">{formatBytes(p.bytes)}</span>
            <span className="totals-share">{formatPercent(p.pages, total.pages)}</span>
          </span>
        ))}
      </div>
    </section>
  );
}
