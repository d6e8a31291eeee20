/** What the tooltip says about the pixel under the pointer: address, region, nodes, statuses and their meaning. */
import { describeStatus, shortReason } from '../../common/errno.js';
import { explainPageStatus } from '../../common/status-reasons.js';
import type { PlacementData } from './bins.js';
import { formatBytes, formatCount, formatPercent, hex, plural } from './format.js';
import { regionsBetween, type LayoutRegion } from './layout.js';
import { countsInRange } from './tiles.js';
import { binCentrePage, binEdge, type View } from './view.js';

export interface StatusLine {
  status: number;
  pages: number;
  /** "node 0" or "ENOENT (-2)". */
  label: string;
  /** "not present" etc.; '' for a node. */
  short: string;
  /** The full explanation of an errno status; '' for a node. */
  reason: string;
}

export interface HoverInfo {
  /** Layout pages [from, to) under the pointer. */
  from: number;
  to: number;
  start: bigint;
  /** Exclusive end address of the last page. */
  end: bigint;
  pages: number;
  /** Regions the pages belong to, in address order. */
  regions: LayoutRegion[];
  /** Statuses that occur, nodes first, then errnos; most pages first within each group. */
  statuses: StatusLine[];
  /** False when the counts are estimates from bins coarser than a page (a detailed window is still loading). */
  exact: boolean;
}

export function statusLine(status: number, pages: number): StatusLine {
  if (status >= 0) return { status, pages, label: describeStatus(status), short: '', reason: '' };
  const explanation = explainPageStatus(status);
  return { status, pages, label: describeStatus(status), short: shortReason(explanation.code) ?? 'error', reason: explanation.reason };
}

/** Pages [from, to) of the layout, counted per status (estimated when the tile is binned coarser than pages). */
export function describePages(data: PlacementData, from: number, to: number): HoverInfo | null {
  const { layout } = data;
  from = Math.max(0, Math.floor(from));
  to = Math.min(layout.totalPages, Math.floor(to));
  if (to <= from) return null;
  const regions = regionsBetween(layout, from, to).map((i) => layout.regions[i] as LayoutRegion);
  const first = regions[0];
  const last = regions[regions.length - 1];
  if (first === undefined || last === undefined) return null;
  const { counts, exact } = countsInRange(data.tile, from, to);
  const size = BigInt(layout.pageSize);
  const lines = [...counts]
    .map(([status, pages]) => statusLine(status, pages))
    .sort((a, b) => Number(a.status < 0) - Number(b.status < 0) || b.pages - a.pages || a.status - b.status);
  return {
    from,
    to,
    start: first.start + BigInt(from - first.offset) * size,
    end: last.start + BigInt(to - last.offset) * size,
    pages: to - from,
    regions,
    statuses: lines,
    exact,
  };
}

/** The bin under pixel x of a heatmap drawn with `view`. */
export function describeBinAt(data: PlacementData, view: View, x: number): HoverInfo | null {
  const b = Math.floor(x);
  if (b < 0 || b >= view.width) return null;
  if (view.pagesPerPixel < 1) {
    const page = binCentrePage(view, b);
    return describePages(data, page, page + 1);
  }
  return describePages(data, binEdge(view, b), binEdge(view, b + 1));
}

/** The tooltip as lines of text, the node of the panel under the pointer first. */
export function hoverText(info: HoverInfo, pageSize: number, panelNode: number | null): string[] {
  const lines: string[] = [];
  const names = info.regions.map((r) => r.name);
  const where = names.length <= 2 ? names.join(', ') : `${names[0]} and ${plural(names.length - 1, 'more region', 'more regions')}`;
  if (info.pages === 1) {
    lines.push(`${hex(info.start)}  ${where} ${info.regions[0]?.perms ?? ''}`.trimEnd());
  } else {
    lines.push(`${hex(info.start)}–${hex(info.end - 1n)}`);
    lines.push(`${plural(info.pages, 'page')} (${formatBytes(info.pages * pageSize)}) in ${where}`);
  }
  // The hovered panel's node first, even when none of the pages are on it: that is the question asked.
  const own = panelNode === null ? [] : info.statuses.filter((s) => s.status === panelNode);
  if (panelNode !== null && own.length === 0 && info.pages > 1) lines.push(`node ${panelNode}: none`);
  const ordered = [...own, ...info.statuses.filter((s) => s.status !== panelNode)];
  const about = info.exact ? '' : '≈';
  for (const s of ordered) {
    const count = info.pages === 1 ? '' : `: ${about}${formatCount(s.pages)} (${formatPercent(s.pages, info.pages)})`;
    const label = info.pages === 1 ? `${about}${s.label}` : s.label;
    lines.push(s.status >= 0 ? `${label}${count}` : `${label} ${s.short}${count} — ${s.reason}`);
  }
  return lines;
}
