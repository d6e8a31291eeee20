/**
 * The view's polish in Chromium against the real `numascope serve` and a real target: the
 * dark theme (from the system's preference, and the toggle remembered across a reload), the
 * selection drawn in the legend's colour, the region table sorted by its headers, and the
 * exported PNG carrying its title, legend, node totals and address axis.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { nodeColour } from '../../app/renderer/heatmap/palette.js';
import { Target } from '../helpers/target.js';
import { noChromium, suiteBrowserPage, waitForInk } from './browser.js';
import { startServe, waitFor, type Serve } from './serve.js';

const PANEL = '[data-node-panel="0"]';

interface StyleGlobals {
  document: { body: unknown; querySelector(selector: string): unknown };
  getComputedStyle(element: unknown): { backgroundColor: string; color: string; borderLeftColor: string };
}

function rgbOf(css: string): [number, number, number] {
  const match = /rgba?\((\d+), (\d+), (\d+)/.exec(css);
  assert.ok(match, `not an rgb colour: ${css}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function lightness([r, g, b]: [number, number, number]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** The computed background of the page and colour of its text. */
async function pageColours(page: Page): Promise<{ background: [number, number, number]; text: [number, number, number] }> {
  const { background, text } = await page.evaluate(() => {
    const g = globalThis as unknown as StyleGlobals;
    const root = g.getComputedStyle(g.document.querySelector('html'));
    return { background: root.backgroundColor, text: g.getComputedStyle(g.document.querySelector('.top h1')).color };
  });
  return { background: rgbOf(background), text: rgbOf(text) };
}

function style(page: Page, selector: string): Promise<{ backgroundColor: string; borderLeftColor: string }> {
  return page.evaluate((sel: string) => {
    const g = globalThis as unknown as StyleGlobals;
    const { backgroundColor, borderLeftColor } = g.getComputedStyle(g.document.querySelector(sel));
    return { backgroundColor, borderLeftColor };
  }, selector);
}

/** The start addresses of the table's rows, top to bottom. */
function rowStarts(page: Page): Promise<bigint[]> {
  return page.locator('tr[data-vma-start]').evaluateAll((rows) => rows.map((row) => (row as unknown as { getAttribute(n: string): string }).getAttribute('data-vma-start'))).then((starts) => starts.map((s) => BigInt(s)));
}

function cellNumbers(page: Page, column: number): Promise<number[]> {
  return page
    .locator(`tr[data-vma-start] td:nth-child(${column})`)
    .allInnerTexts()
    .then((texts) => texts.map((t) => Number(t.replace(/[,%]/g, '').replace(/^<1$/, '0.5').replace(/^>99$/, '99.5'))));
}

interface ImageLike {
  src: string;
  width: number;
  height: number;
  decode(): Promise<void>;
}
interface Canvas2d {
  drawImage(image: ImageLike, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
}
/** The DOM members the PNG decoding uses, typed by hand: the tests compile without the DOM library. */
interface PngGlobals {
  Image: new () => ImageLike;
  document: { createElement(tag: 'canvas'): { width: number; height: number; getContext(kind: '2d'): Canvas2d | null } };
}

interface DecodedPng {
  width: number;
  height: number;
  /** Pixels of each colour asked for (within a small tolerance), in the rows above the first panel. */
  inkAbove: Record<string, number>;
  /** Dark pixels (text) in the bottom 30 rows: the address axis. */
  axisInk: number;
}

describe('view polish against numascope serve and a real target', { skip: noChromium, timeout: 180_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 900 });
  let target: Target;
  let serve: Serve;

  before(async () => {
    target = await Target.start(['--anon', '32M', '--nohuge', '--sparse', '64M:4']);
    serve = await startServe(['--pid', String(target.pid)]);
  });
  after(async () => {
    await serve?.stop();
    await target?.stop();
  });

  it('follows the system dark scheme: dark page, light text, the heatmaps drawn', async () => {
    const { page } = ui;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(serve.url);
    await page.waitForSelector(PANEL, { timeout: 30_000 });
    await waitForInk(page, PANEL, 'node 0 pixels in the dark theme');
    const { background, text } = await pageColours(page);
    assert.ok(lightness(background) < 0.2, `background ${background} is not dark`);
    assert.ok(lightness(text) > 0.7, `text ${text} is not light`);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    const path = join(mkdtempSync(join(tmpdir(), 'numascope-dark-')), 'heatmaps-dark.png');
    await page.screenshot({ path, fullPage: true });
    // The saved picture is a PNG, and is dark where the page is: its top-left pixel is the page background.
    const png = readFileSync(path);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const corner = await page.evaluate(async (b64: string) => {
      const { Image, document } = globalThis as unknown as PngGlobals;
      const image = new Image();
      image.src = `data:image/png;base64,${b64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = 4;
      canvas.height = 4;
      const ctx = canvas.getContext('2d');
      ctx?.drawImage(image, 0, 0);
      const pixel = ctx?.getImageData(1, 1, 1, 1).data ?? [0, 0, 0];
      return [pixel[0], pixel[1], pixel[2]] as [number, number, number];
    }, png.toString('base64'));
    assert.deepEqual(corner, background);
  });

  it('switches to light with the toggle, remembers it across a reload, and back', async () => {
    const { page } = ui;
    await page.click('[data-testid="theme-toggle"]');
    await waitFor('the light theme', async () => (await page.getAttribute('html', 'data-theme')) === 'light');
    assert.ok(lightness((await pageColours(page)).background) > 0.9);
    await page.reload();
    await page.waitForSelector(PANEL, { timeout: 30_000 });
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light', 'the choice was not remembered (the system still says dark)');
    assert.ok(lightness((await pageColours(page)).background) > 0.9);
    await page.click('[data-testid="theme-toggle"]');
    await waitFor('the dark theme', async () => (await page.getAttribute('html', 'data-theme')) === 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('draws the selection in the colour the legend shows for it', async () => {
    const { page } = ui;
    await page.locator('tr[data-vma-start]').first().click();
    await page.locator('.selection-box').first().waitFor();
    const [box, sample] = await Promise.all([style(page, '.selection-box'), style(page, '.legend-swatch.selection-sample')]);
    assert.deepEqual(box, sample);
    await page.click('text=Clear selection');
  });

  it('sorts the region table by address, name, size, present, pages on a node, both ways, and says so in aria-sort', async () => {
    const { page } = ui;
    const byAddress = await rowStarts(page);
    assert.ok(byAddress.length > 5);
    const header = (key: string) => page.locator(`th[data-sort="${key}"]`);
    const sortBy = async (key: string, expected: 'ascending' | 'descending'): Promise<void> => {
      await header(key).locator('button').click();
      await waitFor(`aria-sort=${expected} on ${key}`, async () => (await header(key).getAttribute('aria-sort')) === expected);
    };
    const ascending = (values: number[]) => values.every((v, i) => i === 0 || (values[i - 1] as number) <= v);
    const descending = (values: number[]) => values.every((v, i) => i === 0 || (values[i - 1] as number) >= v);

    await sortBy('size', 'descending');
    assert.equal(await header('start').getAttribute('aria-sort'), 'none');
    // Column 4 is the size ("64 MiB"): compare the regions' real sizes through their addresses.
    const sizes = async () => page.locator('tr[data-vma-start]').evaluateAll((rows) => rows.map((row) => { const r = row as unknown as { getAttribute(n: string): string }; return Number(BigInt(r.getAttribute('data-vma-end')) - BigInt(r.getAttribute('data-vma-start'))); }));
    assert.ok(descending(await sizes()), 'size descending');
    await sortBy('size', 'ascending');
    assert.ok(ascending(await sizes()), 'size ascending');

    await sortBy('present', 'descending');
    assert.ok(descending(await cellNumbers(page, 5)), 'present descending');
    await sortBy('present', 'ascending');
    assert.ok(ascending(await cellNumbers(page, 5)), 'present ascending');

    await sortBy('node0', 'descending');
    assert.ok(descending(await cellNumbers(page, 6)), 'node 0 pages descending');
    await sortBy('node0', 'ascending');
    assert.ok(ascending(await cellNumbers(page, 6)), 'node 0 pages ascending');

    await sortBy('name', 'ascending');
    const names = await page.locator('tr[data-vma-start] td.name').allInnerTexts();
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    await sortBy('name', 'descending');
    assert.deepEqual(await page.locator('tr[data-vma-start] td.name').allInnerTexts(), [...names].sort((a, b) => b.localeCompare(a)));

    await sortBy('start', 'ascending');
    assert.deepEqual(await rowStarts(page), byAddress);
    await sortBy('start', 'descending');
    assert.deepEqual(await rowStarts(page), [...byAddress].reverse());
    assert.equal(await header('size').getAttribute('aria-sort'), 'none');
  });

  it('exports a PNG with the title, the node legend with totals and an address axis around the panels', async () => {
    const { page, pageErrors } = ui;
    const strip = await page.locator(`${PANEL} canvas`).evaluate((c) => ({ width: (c as unknown as { width: number }).width, height: (c as unknown as { height: number }).height }));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export PNG')]);
    assert.match(download.suggestedFilename(), /-heatmaps\.png$/);
    const path = await download.path();
    const png = readFileSync(path);
    const node0 = nodeColour(0);
    const decoded = await page.evaluate(
      async ([b64, colours]: [string, string[]]): Promise<DecodedPng> => {
        const { Image, document } = globalThis as unknown as PngGlobals;
        const image = new Image();
        image.src = `data:image/png;base64,${b64}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const ctx = canvas.getContext('2d');
        if (ctx === null) throw new Error('no 2d context');
        ctx.drawImage(image, 0, 0);
        const { data } = ctx.getImageData(0, 0, image.width, image.height);
        const wanted = colours.map((c) => [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)]);
        const inkAbove: Record<string, number> = Object.fromEntries(colours.map((c) => [c, 0]));
        // The title and the legend: the top 90 rows, above the ruler and the first panel.
        for (let y = 0; y < 90; y++) {
          for (let x = 0; x < image.width; x++) {
            const i = 4 * (y * image.width + x);
            wanted.forEach(([r, g, b], k) => {
              const near = Math.abs((data[i] as number) - (r as number)) < 8 && Math.abs((data[i + 1] as number) - (g as number)) < 8 && Math.abs((data[i + 2] as number) - (b as number)) < 8;
              const key = colours[k] as string;
              if (near) inkAbove[key] = (inkAbove[key] ?? 0) + 1;
            });
          }
        }
        let axisInk = 0;
        for (let y = image.height - 30; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            const i = 4 * (y * image.width + x);
            if ((data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number) < 300) axisInk++;
          }
        }
        return { width: image.width, height: image.height, inkAbove, axisInk };
      },
      [png.toString('base64'), [node0, '#1d2733']] as [string, string[]],
    );
    assert.ok(decoded.width > strip.width && decoded.height > strip.height + 100, `${decoded.width}x${decoded.height} against a ${strip.width}x${strip.height} panel`);
    assert.ok((decoded.inkAbove[node0] ?? 0) >= 60, `node 0's colour in the legend: ${decoded.inkAbove[node0]} pixels`);
    assert.ok((decoded.inkAbove['#1d2733'] ?? 0) > 200, `title text: ${decoded.inkAbove['#1d2733']} pixels`);
    assert.ok(decoded.axisInk > 100, `address axis: ${decoded.axisInk} dark pixels`);
    assert.deepEqual(pageErrors, []);
  });
});
