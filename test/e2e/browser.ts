/**
 * Chromium for the end-to-end tests: Debian's package at /usr/bin/chromium driven by
 * playwright-core (never a downloaded browser), with the flags that keep it from reaching
 * for the network on a machine that has none. Page-side probes are typed with the few DOM
 * members they use, because the tests compile without the DOM library.
 */
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { waitFor } from './serve.js';

export const CHROMIUM = '/usr/bin/chromium';

/** A skip reason when the browser is missing, else false. */
export const noChromium: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A fresh Chromium with one page, and the errors the page throws (a test asserts there were none). */
export interface BrowserPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
}

export async function openBrowserPage(viewport: { width: number; height: number } = { width: 1400, height: 900 }): Promise<BrowserPage> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, context, page, pageErrors };
}

/**
 * A browser page for the tests of one suite: opened in the suite's `before`, closed in its
 * `after`. The returned object's fields are set once `before` has run.
 */
export function suiteBrowserPage(viewport?: { width: number; height: number }): BrowserPage {
  const ui = { pageErrors: [] as string[] } as BrowserPage;
  before(async () => {
    Object.assign(ui, await openBrowserPage(viewport));
  });
  after(async () => {
    await ui.browser?.close();
  });
  return ui;
}

interface ImageLike {
  data: ArrayLike<number>;
}

interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): ImageLike } | null;
}

interface ElementLike {
  querySelector(selector: string): CanvasLike | null;
  getAttribute(name: string): string | null;
}

interface PageGlobals {
  document: { querySelector(selector: string): ElementLike | null };
}

export interface CanvasInk {
  width: number;
  height: number;
  /** Pixels that differ from the heatmap's empty background and are not transparent. */
  inked: number;
  /** Distinct colours seen (capped), to tell a real drawing from a flat fill. */
  colours: number;
}

/** Reads back the pixels of the canvas inside `selector` (the panel element). */
export function canvasInk(page: Page, selector: string): Promise<CanvasInk> {
  return page.evaluate((sel: string): CanvasInk => {
    const doc = (globalThis as unknown as PageGlobals).document;
    const canvas = doc.querySelector(sel)?.querySelector('canvas') ?? null;
    if (canvas === null) return { width: 0, height: 0, inked: 0, colours: 0 };
    const ctx = canvas.getContext('2d');
    if (ctx === null || canvas.width === 0 || canvas.height === 0) return { width: canvas.width, height: canvas.height, inked: 0, colours: 0 };
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i] as number, data[i + 1] as number, data[i + 2] as number, data[i + 3] as number];
      // #f4f4f2 is the background past the end of the address space.
      if (a > 0 && !(r === 0xf4 && g === 0xf4 && b === 0xf2)) inked++;
      if (colours.size < 64) colours.add((r << 16) | (g << 8) | b);
    }
    return { width: canvas.width, height: canvas.height, inked, colours: colours.size };
  }, selector);
}

/** The rgb of one pixel of the canvas inside `selector`, at CSS-pixel fractions of its size. */
export function canvasPixel(page: Page, selector: string, fx: number, fy: number): Promise<[number, number, number, number]> {
  return page.evaluate(
    ([sel, x, y]: [string, number, number]): [number, number, number, number] => {
      const doc = (globalThis as unknown as PageGlobals).document;
      const canvas = doc.querySelector(sel)?.querySelector('canvas') ?? null;
      const ctx = canvas?.getContext('2d') ?? null;
      if (canvas === null || ctx === null) return [0, 0, 0, 0];
      const { data } = ctx.getImageData(Math.floor(x * (canvas.width - 1)), Math.floor(y * (canvas.height - 1)), 1, 1);
      return [data[0] as number, data[1] as number, data[2] as number, data[3] as number];
    },
    [selector, fx, fy] as [string, number, number],
  );
}

/** An attribute of the first element matching `selector`, or null. */
export function attribute(page: Page, selector: string, name: string): Promise<string | null> {
  return page.evaluate(
    ([sel, attr]: [string, string]) => (globalThis as unknown as PageGlobals).document.querySelector(sel)?.getAttribute(attr) ?? null,
    [selector, name] as [string, string],
  );
}

/** Waits until the canvas inside `selector` has been drawn on, and returns what it holds. */
export function waitForInk(page: Page, selector: string, what = 'canvas pixels'): Promise<CanvasInk> {
  return waitFor(what, async () => {
    const value = await canvasInk(page, selector);
    return value.inked > 0 ? value : undefined;
  });
}
