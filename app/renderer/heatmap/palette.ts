/**
 * Colours. Heatmap shares use ColorBrewer's YlGnBu, a sequential ramp that stays readable
 * for every common colour-vision deficiency because it varies mainly in lightness; nodes
 * get Okabe-Ito categorical colours. "Not present" is a grey hatch, not a hue, so it never
 * reads as a share.
 */
import { interpolateYlGnBu, rgb } from 'd3';

const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** One RGBA pixel as a Uint32 in the byte order ImageData uses on this machine. */
export function packColour(css: string): number {
  const c = rgb(css);
  const [r, g, b, a] = [Math.round(c.r), Math.round(c.g), Math.round(c.b), Math.round(c.opacity * 255)];
  return littleEndian ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** share (0..1) -> CSS colour. Starts a little into the ramp so 0% stays distinct from the page. */
export function shareColour(share: number): string {
  return interpolateYlGnBu(0.1 + 0.9 * Math.min(1, Math.max(0, share)));
}

/** 256-step lookup table of shareColour, packed. */
export const RAMP: Uint32Array = Uint32Array.from({ length: 256 }, (_, i) => packColour(shareColour(i / 255)));

export const COLOURS = {
  background: '#f4f4f2',
  hatchDark: '#8a8a8a',
  hatchLight: '#dedede',
  changed: '#d55e00',
  separator: '#ffffff',
  /** Not a node colour: the selection must never read as "on node 1". */
  selection: '#1d2733',
} as const;

export const PACKED = {
  background: packColour(COLOURS.background),
  hatchDark: packColour(COLOURS.hatchDark),
  hatchLight: packColour(COLOURS.hatchLight),
  changed: packColour(COLOURS.changed),
};

/** Okabe-Ito, without yellow (too light on white) and black (reserved for text). */
const NODE_PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#999999'];

export function nodeColour(index: number): string {
  return NODE_PALETTE[index % NODE_PALETTE.length] as string;
}

/**
 * A node's colour wherever it appears (legend, totals, strip, table, selection): picked by
 * its position among the panel nodes, so the same machine always reads the same; a node
 * outside that list (named only by a snapshot) gets the colour after the last panel's.
 */
export function colourOfNode(node: number, order: readonly number[]): string {
  const slot = order.indexOf(node);
  return nodeColour(slot < 0 ? order.length : slot);
}

/** Packed node colours by slot, for the strip's pixel loop; the extra last slot is for nodes outside the list. */
export function packedNodeColours(slots: number): Uint32Array {
  return Uint32Array.from({ length: slots + 1 }, (_, slot) => packColour(nodeColour(slot)));
}

/** CSS for the hatch that marks pages not present, matching the canvas pattern. */
export const HATCH_CSS = `repeating-linear-gradient(135deg, ${COLOURS.hatchDark} 0 1.5px, ${COLOURS.hatchLight} 1.5px 4px)`;
