/**
 * Where each part goes in the exported PNG, and its words: a title (process, pid, when, host
 * kernel), a legend of the nodes with their totals, the ruler, each node's label and panel,
 * and an address axis under the panels. Pure, so the arrangement is tested without a canvas.
 */
import { formatBytes, formatPercent, hex, plural } from '../model/format.js';
import type { RegionSummary } from '../model/data.js';
import { addressOfPage, type Layout } from '../model/layout.js';
import { pageOfX, type View } from '../model/view.js';

/** Height of each node's label, in pixels of the image. */
export const EXPORT_LABEL_HEIGHT = 24;
/** The title's two lines. */
export const EXPORT_TITLE_HEIGHT = 48;
/** One line of the legend. */
export const EXPORT_LEGEND_LINE = 22;
/** The address axis: ticks and their addresses. */
export const EXPORT_AXIS_HEIGHT = 34;
/** Left and right margin around the pictures. */
export const EXPORT_MARGIN = 12;

export interface ExportPanel {
  node: number;
  width: number;
  height: number;
}

export interface ExportLayout {
  width: number;
  height: number;
  legendY: number;
  /** Top of the ruler, or null without one. */
  rulerY: number | null;
  panels: { node: number; labelY: number; imageY: number }[];
  axisY: number;
}

/** Panels stacked in the order given, as wide as the first; null when there is no panel. */
export function exportLayout(panels: readonly ExportPanel[], rulerHeight: number | null, legendLines: number): ExportLayout | null {
  const first = panels[0];
  if (first === undefined) return null;
  let y = EXPORT_TITLE_HEIGHT;
  const legendY = y;
  y += legendLines * EXPORT_LEGEND_LINE + 6;
  const rulerY = rulerHeight === null ? null : y;
  y += rulerHeight ?? 0;
  const placed = panels.map((panel) => {
    const labelY = y;
    y += EXPORT_LABEL_HEIGHT + panel.height;
    return { node: panel.node, labelY, imageY: labelY + EXPORT_LABEL_HEIGHT };
  });
  return { width: first.width + 2 * EXPORT_MARGIN, height: y + EXPORT_AXIS_HEIGHT, legendY, rulerY, panels: placed, axisY: y };
}

export interface TitleFacts {
  process: { pid: number; comm: string };
  takenAt: string;
  kernel: string;
  total: Pick<RegionSummary, 'pages'>;
  pageSize: number;
}

/** The title's two lines: who, then when, where and how much. */
export function exportTitle({ process, takenAt, kernel, total, pageSize }: TitleFacts): [string, string] {
  const when = takenAt.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
  return [`${process.comm} · pid ${process.pid}`, `taken ${when} · Linux ${kernel} · ${plural(total.pages, 'page')} mapped (${formatBytes(total.pages * pageSize)}) · numascope`];
}

/** A node's entry in the legend: its pages, their size and their share of the process. */
export function nodeTotalText(node: number, pages: number, total: number, pageSize: number): string {
  return `node ${node}: ${plural(pages, 'page')} · ${formatBytes(pages * pageSize)} · ${formatPercent(pages, total)}`;
}

export interface AxisTick {
  /** 0..1 across the panels. */
  at: number;
  label: string;
}

/** Addresses under the panels at `count + 1` evenly spaced places of the view (gaps between regions are left out, so the steps are not even). */
export function axisTicks(layout: Layout, view: View, count: number): AxisTick[] {
  const ticks: AxisTick[] = [];
  for (let i = 0; i <= count; i++) {
    const at = i / count;
    const page = Math.min(layout.totalPages - 1, Math.max(0, Math.floor(pageOfX(view, at * view.width))));
    const address = addressOfPage(layout, page);
    if (address !== null) ticks.push({ at, label: hex(address) });
  }
  return ticks;
}
