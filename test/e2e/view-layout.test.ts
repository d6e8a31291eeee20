/**
 * The layout of the view, in Chromium against the real `numascope serve` and a real target
 * with a 64 MiB region all present, a 256 MiB sparse one (every 16th page) and a 32 MiB one
 * never touched: the totals bar, the two heatmap layouts, the address axis and the minimap,
 * hiding regions with no page present (table and heatmaps), the filter by an address inside
 * a region, and "go to".
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { formatBytes } from '../../app/common/format.js';
import { screenshotDir } from '../helpers/screenshots.js';
import { Target, type TargetRegion } from '../helpers/target.js';
import { attribute, canvasInk, noChromium, openBrowserPage, waitForInk, type BrowserPage } from './browser.js';
import { startServe, waitFor, type Serve } from './serve.js';

const SCREENSHOTS = screenshotDir();
const STACK = '.heatmap-stack';
const MIB = 1024 * 1024;

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

interface Box {
  left: number;
  right: number;
  text: string;
}

/** The address axis's labels, left to right, with their extents. */
function axisLabels(page: Page): Promise<Box[]> {
  return page.locator('[data-testid="address-axis"] text').evaluateAll((elements) =>
    elements.map((element) => {
      const el = element as unknown as { getBoundingClientRect(): { left: number; right: number }; textContent: string | null };
      const rect = el.getBoundingClientRect();
      return { left: rect.left, right: rect.right, text: el.textContent ?? '' };
    }),
  );
}

function assertReadable(labels: Box[], where: string): void {
  assert.ok(labels.length >= 2, `${where}: only ${labels.length} axis labels`);
  for (const label of labels) assert.match(label.text, /^0x[0-9a-f]+$/, `${where}: axis label ${label.text}`);
  for (let i = 1; i < labels.length; i++) {
    const [a, b] = [labels[i - 1] as Box, labels[i] as Box];
    assert.ok(a.right + 4 <= b.left, `${where}: axis labels ${a.text} and ${b.text} overlap (${a.right} > ${b.left})`);
  }
}

/** "Showing N of TOTAL pages": TOTAL, the pages in the heatmaps' layout. */
async function layoutPages(page: Page): Promise<number> {
  const text = await page.locator('[data-testid="view-status"]').innerText();
  const match = /of ([\d,]+) pages/.exec(text);
  assert.ok(match, text);
  return Number((match[1] as string).replace(/,/g, ''));
}

async function pagesPerPixel(page: Page): Promise<number> {
  return Number(await attribute(page, STACK, 'data-pages-per-pixel'));
}

describe('the view: totals, layouts, axis, minimap, filters, go to', { skip: noChromium, timeout: 180_000 }, () => {
  let target: Target;
  let dense: TargetRegion;
  let sparse: TargetRegion;
  let untouched: TargetRegion;
  let serve: Serve;
  let ui: BrowserPage;
  let page: Page;

  before(async () => {
    target = await Target.start(['--anon', '64M', '--sparse', '256M:16', '--untouched', '32M', '--nohuge']);
    [dense, sparse, untouched] = [target.region(0), target.region(1), target.region(2)];
    serve = await startServe(['--pid', String(target.pid)]);
    ui = await openBrowserPage({ width: 1400, height: 1000 });
    page = ui.page;
    await page.goto(serve.url);
    await page.waitForSelector('[data-node-panel="0"]', { timeout: 30_000 });
    await waitForInk(page, '[data-node-panel="0"]');
  });

  after(async () => {
    await ui?.browser.close();
    await serve?.stop();
    await target?.stop();
  });

  it('shows the totals first: bytes and share per node and not present, adding up to the mapped bytes', async () => {
    const part = (key: string) => page.locator(`[data-totals-part="${key}"]`);
    const onNode = Number(await part('0').getAttribute('data-bytes'));
    const absent = Number(await part('absent').getAttribute('data-bytes'));
    // All of the 64 MiB region and a sixteenth of the sparse one are on node 0; the untouched region and the rest are not present.
    assert.ok(onNode >= 64 * MIB + 16 * MIB, `node 0 holds ${onNode} bytes`);
    assert.ok(absent >= 32 * MIB + 240 * MIB, `not present: ${absent} bytes`);
    const node0 = await part('0').innerText();
    assert.ok(node0.includes(formatBytes(onNode)), node0);
    const share = Math.round((100 * onNode) / (onNode + absent));
    assert.ok(node0.includes(`${share}%`), `${node0} lacks ${share}%`);
    assert.ok((await page.locator('[data-testid="totals"]').innerText()).includes(`of ${formatBytes(onNode + absent)} mapped`));
    // The bar's node 0 segment is that share of its width.
    const widths = await page.locator('.totals-bar').evaluate((bar) => {
      const el = bar as unknown as { clientWidth: number; children: ArrayLike<{ getBoundingClientRect(): { width: number } }> };
      return { bar: el.clientWidth, first: el.children[0]?.getBoundingClientRect().width ?? 0 };
    });
    assert.ok(Math.abs(widths.first / widths.bar - onNode / (onNode + absent)) < 0.02, JSON.stringify(widths));
  });

  it('switches to one strip coloured by the dominant node, remembers it, and switches back', async () => {
    await page.click('[data-layout="strip"]');
    const strip = '[data-strip-panel]';
    await waitForInk(page, strip, 'strip pixels');
    assert.equal(await page.locator('[data-node-panel]').count(), 0);
    // Node 0's colour (the first of the palette, #0072b2) fills the columns of the 64 MiB region.
    const blue = await page.evaluate((selector: string) => {
      type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
      const canvas = (globalThis as unknown as { document: { querySelector(s: string): { querySelector(s: string): Canvas | null } | null } }).document
        .querySelector(selector)
        ?.querySelector('canvas');
      const ctx = canvas?.getContext('2d');
      if (canvas == null || ctx == null) return 0;
      const { data } = ctx.getImageData(0, 0, canvas.width, 1);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === 0x00 && data[i + 1] === 0x72 && data[i + 2] === 0xb2) count++;
      return count / canvas.width;
    }, strip);
    assert.ok(blue > 0.1, `node 0's colour covers ${(100 * blue).toFixed(1)}% of the strip`);
    await page.screenshot({ path: join(SCREENSHOTS, 'strip.png') });
    await page.reload();
    await waitForInk(page, strip, 'strip pixels after a reload');
    assert.equal(await page.locator('[data-layout="strip"]').getAttribute('aria-checked'), 'true');
    await page.click('[data-layout="rows"]');
    await waitForInk(page, '[data-node-panel="0"]', 'node 0 pixels again');
    assert.equal(await page.locator(strip).count(), 0);
  });

  it('labels the axis with hex addresses that never overlap, and region names whole or with an ellipsis, at any zoom', async () => {
    const names = new Set(
      await page.locator('tr[data-vma-start] td.name').evaluateAll((cells) => cells.map((cell) => (cell as unknown as { textContent: string | null }).textContent ?? '')),
    );
    const checkBand = async (where: string): Promise<void> => {
      const labels = ((await attribute(page, '[data-testid="region-band"]', 'data-labels')) ?? '').split('\n').filter((l) => l !== '');
      assert.ok(labels.length > 0, `${where}: no region names drawn`);
      for (const label of labels) {
        const whole = [...names].some((name) => label === name || label.startsWith(`${name} `));
        assert.ok(whole || label.endsWith('…'), `${where}: region label "${label}" is cut short without an ellipsis`);
      }
    };
    assertReadable(await axisLabels(page), 'overview');
    await checkBand('overview');
    await page.locator(STACK).focus();
    for (let i = 0; i < 24; i++) await page.keyboard.press('+');
    await waitFor('a deep zoom', async () => (await pagesPerPixel(page)) < 1);
    const deep = await axisLabels(page);
    assertReadable(deep, 'zoomed in');
    await checkBand('zoomed in');
    await page.screenshot({ path: join(SCREENSHOTS, 'axis-zoomed.png') });
  });

  it('marks the visible window on the minimap, and a click there moves the view without zooming', async () => {
    const zoom = await pagesPerPixel(page);
    const minimap = await page.locator('[data-testid="minimap"]').boundingBox();
    assert.ok(minimap);
    const windowBox = async () => {
      const box = await page.locator('[data-testid="minimap-window"]').boundingBox();
      assert.ok(box);
      return box;
    };
    const before = await windowBox();
    assert.ok(before.width < minimap.width / 4, `window ${before.width} px of ${minimap.width}`);
    const addressesBefore = (await axisLabels(page)).map((l) => l.text).join(' ');
    await page.mouse.click(minimap.x + minimap.width * 0.1, minimap.y + minimap.height / 2);
    await waitFor('the window to move', async () => {
      const box = await windowBox();
      return Math.abs(box.x + box.width / 2 - (minimap.x + minimap.width * 0.1)) < 4;
    });
    assert.equal(await pagesPerPixel(page), zoom);
    // A drag carries it along.
    const moved = await windowBox();
    await page.mouse.move(moved.x + moved.width / 2, moved.y + moved.height / 2);
    await page.mouse.down();
    await page.mouse.move(minimap.x + minimap.width * 0.3, moved.y + moved.height / 2, { steps: 5 });
    await page.mouse.up();
    const centre = async (): Promise<number> => {
      const box = await windowBox();
      return box.x + box.width / 2;
    };
    await waitFor('the window to follow the drag', async () => Math.abs((await centre()) - (minimap.x + minimap.width * 0.3)) < 4).catch(async (error: Error) => {
      throw new Error(`${error.message}: centre at ${await centre()}, wanted ${minimap.x + minimap.width * 0.3}`);
    });
    // Other addresses are in view now.
    assert.notEqual((await axisLabels(page)).map((l) => l.text).join(' '), addressesBefore);
    await page.keyboard.press('0');
  });

  it('filters the table by an address inside a region, with or without 0x', async () => {
    const filter = page.locator('input[aria-label="Filter regions"]');
    const inside = sparse.start + 0x12345n;
    for (const text of [hex(inside), inside.toString(16)]) {
      await filter.fill(text);
      await waitFor(`the rows for ${text}`, async () => (await page.locator('tr[data-vma-start]').count()) === 1);
      assert.equal(await page.locator('tr[data-vma-start]').getAttribute('data-vma-start'), hex(sparse.start));
    }
    await filter.fill('');
  });

  it('hides the regions with no page present from the heatmaps as well as the table', async () => {
    const all = await layoutPages(page);
    const untouchedPages = Number((untouched.end - untouched.start) / BigInt(target.info.pageSize));
    await page.click('[data-testid="hide-empty"]');
    await waitFor('a shorter layout', async () => (await layoutPages(page)) <= all - untouchedPages);
    assert.equal(await page.locator(`tr[data-vma-start="${hex(untouched.start)}"]`).count(), 0);
    // The axis no longer names it, and what is drawn is still the placement: the 64 MiB region's pages on node 0.
    const labels = await axisLabels(page);
    assert.ok(!labels.some((l) => l.text === hex(untouched.start)), 'the hidden region is still on the axis');
    const ink = await canvasInk(page, '[data-node-panel="0"]');
    assert.ok(ink.inked > 0);
    await page.click('[data-testid="hide-empty"]');
    await waitFor('the whole layout again', async () => (await layoutPages(page)) === all);
  });

  it('goes to an address: zooms until its page is visible and marks it; and to a region by name', async () => {
    const address = dense.start + 0x1234567n;
    await page.fill('[data-testid="goto-input"]', address.toString(16));
    await page.press('[data-testid="goto-input"]', 'Enter');
    await waitFor('the zoom onto the page', async () => (await pagesPerPixel(page)) <= 1);
    const mark = page.locator('[data-node-panel="0"] [data-testid="goto-mark"]');
    await mark.waitFor();
    const box = await mark.boundingBox();
    const panel = await page.locator('[data-node-panel="0"]').boundingBox();
    assert.ok(box && panel);
    assert.ok(box.width >= 3 && box.x >= panel.x && box.x + box.width <= panel.x + panel.width, JSON.stringify({ box, panel }));
    const pageStart = address - (address % BigInt(target.info.pageSize));
    assert.match(await page.locator('[data-testid="goto-label"]').innerText(), new RegExp(hex(pageStart)));
    // The tooltip over the mark names that page.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('[data-testid="heatmap-tooltip"]');
    await tooltip.waitFor({ timeout: 5000 });
    assert.ok((await tooltip.innerText()).startsWith(hex(pageStart)), await tooltip.innerText());
    await page.screenshot({ path: join(SCREENSHOTS, 'goto.png') });

    await page.fill('[data-testid="goto-input"]', '[heap]');
    await page.press('[data-testid="goto-input"]', 'Enter');
    await waitFor('the heap marked', async () => /\[heap\]/.test(await page.locator('[data-testid="goto-label"]').innerText()));
    await page.fill('[data-testid="goto-input"]', 'no-such-region');
    await page.press('[data-testid="goto-input"]', 'Enter');
    assert.match(await page.locator('[data-testid="goto-problem"]').innerText(), /No region/);
    assert.deepEqual(ui.pageErrors, []);
  });
});
