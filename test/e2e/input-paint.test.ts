/**
 * A pan paints the new view at once from the tiles the page already holds, while the window
 * for it is held back by the server: the part of the view the previous window reaches stays
 * sharp (drawn from that window, not from the coarse overview), the rest is drawn coarse, and
 * when the window arrives it refines the picture without the sharp part changing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { attribute, noChromium, openBrowserPage } from './browser.js';
import { BIG_IDENTITY, interleavedPlacement, startFakeServer, type FakeServer } from './fake-server.js';
import { waitFor } from './serve.js';

interface PageGlobals {
  document: { querySelector(selector: string): { querySelector(selector: string): CanvasLike | null } | null };
  performance: { getEntriesByName(name: string): { startTime: number; duration: number; detail?: unknown }[] };
}
interface CanvasLike {
  width: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** One row of node 0's canvas, a colour (r << 16 | g << 8 | b) per column. */
function panelRow(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const canvas = (globalThis as unknown as PageGlobals).document.querySelector('[data-node-panel="0"]')?.querySelector('canvas') ?? null;
    const ctx = canvas?.getContext('2d') ?? null;
    if (canvas === null || ctx === null) return [];
    const { data } = ctx.getImageData(0, 4, canvas.width, 1);
    const row: number[] = [];
    for (let i = 0; i < data.length; i += 4) row.push(((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number));
    return row;
  });
}

/** Share of columns where a[offset + i] equals b[i], over [from, to). */
function sameShare(a: number[], offset: number, b: number[], from: number, to: number): number {
  let same = 0;
  for (let i = from; i < to; i++) if (a[offset + i] === b[i]) same++;
  return same / Math.max(1, to - from);
}

const PAN_PX = 1000;

describe('input to paint with the window held back', { skip: noChromium, timeout: 120_000 }, () => {
  let server: FakeServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let held: Promise<void> | null = null;
  let release: () => void = () => undefined;

  before(async () => {
    server = await startFakeServer({ placement: () => interleavedPlacement(), identity: BIG_IDENTITY, beforeWindow: () => held ?? Promise.resolve() });
    ({ browser, page, pageErrors } = await openBrowserPage({ width: 1400, height: 1000 }));
  });

  after(async () => {
    release();
    await browser?.close();
    await server?.close();
  });

  it('pans at once from the held window and the overview, then refines when the window arrives', async () => {
    await page.goto(`${server.url}&pid=${server.pid}`);
    await page.waitForSelector('[data-node-panel="0"]');
    // Region 1 lies in runs of up to 5,000 pages: sharp from a window, blurred in the overview's bins of 512.
    await page.click('tr[data-vma-start="0x7e0004200000"]');
    await waitFor('zoom to the region', async () => Number(await attribute(page, '.heatmap-stack', 'data-pages-per-pixel')) < 40);
    await waitFor('the window for it', async () => (await attribute(page, '.heatmap-stack', 'data-fine')) === 'true');
    const sharp = await panelRow(page);
    const width = sharp.length;
    assert.ok(width > PAN_PX + 200, `canvas ${width} px`);

    held = new Promise((resolve) => (release = resolve));
    const asked = server.requests.filter((r) => r.channel === 'placement:window').length;
    const answered = server.traffic.filter((t) => t.channel === 'placement:window').length;
    const box = await page.locator('[data-node-panel="0"]').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, PAN_PX);
    await page.keyboard.up('Shift');

    await waitFor('the panned view drawn', async () => (await attribute(page, '.heatmap-stack', 'data-fine')) === 'false');
    await waitFor('a window asked for', async () => server.requests.filter((r) => r.channel === 'placement:window').length > asked);
    const coarse = await panelRow(page);
    assert.equal(server.traffic.filter((t) => t.channel === 'placement:window').length, answered, 'the window is still held');
    // What was at x + PAN_PX is now at x, drawn from the window already held, not from the overview.
    const overlap = width - PAN_PX;
    const kept = sameShare(sharp, PAN_PX, coarse, 0, overlap);
    assert.ok(kept > 0.95, `${(kept * 100).toFixed(1)}% of the ${overlap} columns still in view kept their sharp colour`);
    const painted = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).performance.getEntriesByName('numascope:input-to-paint').map((m) => m.detail as { kind?: string; fine?: boolean } | null),
    );
    assert.ok(painted.some((d) => d?.kind === 'pan' && d.fine === false), `the pan was measured to its coarse frame: ${JSON.stringify(painted)}`);
    // The part past the held window is drawn coarse from the overview: not left blank.
    const background = 0xf4f4f2;
    assert.ok(coarse.slice(width - 100).every((c) => c !== background), 'the columns past the held window are drawn');

    release();
    held = null;
    await waitFor('the refined picture', async () => (await attribute(page, '.heatmap-stack', 'data-fine')) === 'true');
    const refined = await panelRow(page);
    assert.ok(sameShare(coarse, 0, refined, 0, overlap) > 0.95, 'the sharp part did not change when the window arrived');
    assert.ok(sameShare(coarse, 0, refined, width - 200, width) < 0.9, 'the coarse part was refined');
    assert.deepEqual(pageErrors, []);
  });
});
