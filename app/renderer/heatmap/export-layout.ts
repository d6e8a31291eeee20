/** Where each part goes in the exported PNG: a title line, the ruler, then each node's label and panel. */

/** Height of the title and of each node's label, in pixels of the image. */
export const EXPORT_LABEL_HEIGHT = 24;

export interface ExportPanel {
  node: number;
  width: number;
  height: number;
}

export interface ExportLayout {
  width: number;
  height: number;
  /** Top of the ruler, or null without one. */
  rulerY: number | null;
  panels: { node: number; labelY: number; imageY: number }[];
}

/** Panels stacked in the order given, as wide as the first; null when there is no panel. */
export function exportLayout(panels: readonly ExportPanel[], rulerHeight: number | null): ExportLayout | null {
  const first = panels[0];
  if (first === undefined) return null;
  const label = EXPORT_LABEL_HEIGHT;
  let y = label;
  const rulerY = rulerHeight === null ? null : y;
  y += rulerHeight ?? 0;
  const placed = panels.map((panel) => {
    const labelY = y;
    y += label + panel.height;
    return { node: panel.node, labelY, imageY: labelY + label };
  });
  return { width: first.width, height: y, rulerY, panels: placed };
}

/** The title line: the process and when its placement was taken. */
export function exportTitle(process: { pid: number; comm: string }, takenAt: string): string {
  return `numascope · pid ${process.pid} ${process.comm} · ${takenAt}`;
}
