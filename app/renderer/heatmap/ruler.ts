/**
 * The region band of the address axis: each region in view as a band with its name (and,
 * where there is room, its start and size), drawn on a canvas in the same frame as the
 * heatmaps; also the handle for panning with the mouse. A name that does not fit is cut
 * short with an ellipsis or left out, never clipped mid-word. The labels drawn are left in
 * the canvas's data-labels attribute (one per line) for tests and assistive reading.
 */
import type { ViewData } from '../model/data.js';
import { formatBytes, hex } from '../model/format.js';
import { regionsBetween, type LayoutRegion } from '../model/layout.js';
import { pageOfX, xOfPage, type View } from '../model/view.js';
import { bestLabel } from './labels.js';

export const RULER_HEIGHT = 20;
const PADDING = 4;

interface RulerColours {
  bandA: string;
  bandB: string;
  text: string;
}

/** The colours last resolved, and the theme they were resolved for. */
let resolved: { theme: string; colours: RulerColours } | null = null;
let darkQuery: MediaQueryList | null = null;

/** What the colours depend on: the theme pinned on <html data-theme>, else the system's. */
function themeKey(): string {
  darkQuery ??= window.matchMedia('(prefers-color-scheme: dark)');
  return `${document.documentElement.dataset['theme'] ?? ''}/${darkQuery.matches ? 'dark' : 'light'}`;
}

/**
 * The theme's colours, resolved once per theme: reading them forces a style recalculation,
 * which in every frame of a pan or zoom was native work the frame waited for.
 */
function themeColours(canvas: HTMLCanvasElement): RulerColours {
  const theme = themeKey();
  if (resolved?.theme !== theme) resolved = { theme, colours: readThemeColours(canvas) };
  return resolved.colours;
}

/**
 * Colours from the page's CSS custom properties, so a theme restyles the canvas too. A
 * property's own value may be light-dark(...), which a canvas does not parse: the colour is
 * resolved by giving it to an element's `color` and reading that back.
 */
function readThemeColours(canvas: HTMLCanvasElement): RulerColours {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  canvas.parentElement?.appendChild(probe);
  const read = (name: string, fallback: string): string => {
    probe.style.color = `var(${name}, ${fallback})`;
    return getComputedStyle(probe).color || fallback;
  };
  const colours = { bandA: read('--axis-band-a', '#e9edf2'), bandB: read('--axis-band-b', '#dde3ea'), text: read('--text', '#1d2733') };
  probe.remove();
  return colours;
}

const RULER_FONT = '11px system-ui, sans-serif';
/** The off-document context that measures labels; null where none can be made, undefined until tried. */
let measuring: OffscreenCanvasRenderingContext2D | null | undefined;

/**
 * Text widths from a canvas outside the document: measuring on the ruler itself resolves its
 * element's style, which after a DOM change forces a style recalculation in the middle of the
 * draw. The font names no relative size, so both measure alike.
 */
function textMeasure(fallback: CanvasRenderingContext2D): (text: string) => number {
  if (measuring === undefined) {
    measuring = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('2d');
    if (measuring !== null) measuring.font = RULER_FONT;
  }
  const ctx = measuring ?? fallback;
  return (text) => ctx.measureText(text).width;
}

/** Rulers whose context has its font, direction and baseline set. */
const textReady = new WeakSet<HTMLCanvasElement>();

/** Region names and bands along the axis; also the handle for panning with the mouse. */
export function drawRuler(canvas: HTMLCanvasElement | null, data: ViewData, view: View, dpr: number): void {
  if (canvas === null) return;
  const width = Math.round(view.width * dpr);
  const height = Math.round(RULER_HEIGHT * dpr);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    // A resize resets the context's state, the font with it.
    textReady.delete(canvas);
  }
  // Written only when it differs: an inline style written every frame is a style change every frame.
  if (canvas.style.width !== '100%') canvas.style.width = '100%';
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const colours = themeColours(canvas);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, view.width, RULER_HEIGHT);
  if (!textReady.has(canvas)) {
    // Set once per context: the font setter, and text drawn with an inherited direction,
    // resolve the canvas element's style, which after a DOM change forces a style
    // recalculation in the middle of the draw.
    ctx.font = RULER_FONT;
    ctx.direction = 'ltr';
    ctx.textBaseline = 'middle';
    textReady.add(canvas);
  }
  const measure = textMeasure(ctx);
  const from = Math.max(0, view.start);
  const to = pageOfX(view, view.width);
  const drawn: string[] = [];
  let band = 0;
  for (const index of regionsBetween(data.layout, from, to)) {
    const region = data.layout.regions[index] as LayoutRegion;
    const left = Math.max(0, xOfPage(view, region.offset));
    const right = Math.min(view.width, xOfPage(view, region.offset + region.pages));
    ctx.fillStyle = band++ % 2 === 0 ? colours.bandA : colours.bandB;
    ctx.fillRect(left, 0, right - left, RULER_HEIGHT - 2);
    const room = right - left - 2 * PADDING;
    if (room < 12) continue;
    const size = formatBytes(region.pages * data.layout.pageSize);
    const label = bestLabel([`${region.name} ${hex(region.start)} ${size}`, `${region.name} ${size}`, region.name], room, measure);
    if (label === '') continue;
    ctx.fillStyle = colours.text;
    ctx.fillText(label, left + PADDING, (RULER_HEIGHT - 2) / 2);
    drawn.push(label);
  }
  canvas.dataset.labels = drawn.join('\n');
}
