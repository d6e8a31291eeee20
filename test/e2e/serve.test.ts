/**
 * The renderer in Chromium against the real `numascope serve` and a real target process:
 * draws the target's pages, explains them on hover, lists the 64 MiB region, exports a
 * snapshot the codec accepts, says that this one-node host has nowhere to move pages to (once
 * near the top, and in the move dialogs, which offer nothing to confirm), and opens
 * the exported file again with the server gone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseSnapshot } from '../../app/common/snapshot/codec.js';
import { Target, repoRoot, type TargetRegion } from '../helpers/target.js';
import { attribute, canvasInk, canvasPixel, noChromium, openBrowserPage, waitForInk } from './browser.js';
import { startServe, waitFor, type Serve } from './serve.js';

// Pictures of the run to look at; the README's come from scripts/screenshots.mjs, which watches a real workload.
const SCREENSHOTS = mkdtempSync(join(tmpdir(), 'numascope-serve-screenshots-'));
const PANEL = '[data-node-panel="0"]';

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

describe('renderer against numascope serve and a real target', { skip: noChromium, timeout: 180_000 }, () => {
  let target: Target;
  let region: TargetRegion;
  let serve: Serve;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  let exported = '';
  let pageErrors: string[] = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'numascope-e2e-'));
    target = await Target.start(['--anon', '64M', '--nohuge']);
    region = target.region(0);
    serve = await startServe(['--pid', String(target.pid)]);
    ({ browser, context, page, pageErrors } = await openBrowserPage({ width: 1400, height: 900 }));
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    await target?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens the process from ?pid= and paints its pages on node 0', async () => {
    assert.match(serve.url, new RegExp(`&pid=${target.pid}$`));
    await page.goto(serve.url);
    await page.waitForSelector(PANEL, { timeout: 30_000 });
    const ink = await waitForInk(page, PANEL, 'node 0 canvas pixels');
    assert.ok(ink.width > 500 && ink.height > 20, `canvas ${ink.width}x${ink.height}`);
    // The 64 MiB region is most of the process: the middle of the overview is in it, and every one of its pages is on node 0,
    // so that column has the darkest colour of the ramp.
    const [r, g, b] = await canvasPixel(page, PANEL, 0.5, 0.5);
    assert.ok(r + g + b < 200, `expected the "all on this node" colour at the centre, got rgb(${r}, ${g}, ${b})`);
    await page.screenshot({ path: join(SCREENSHOTS, 'heatmaps.png'), fullPage: true });
  });

  it("lists the target's 64 MiB region in the region table", async () => {
    const rows = await page.locator('tr[data-vma-start]').evaluateAll((elements) =>
      elements.map((element) => {
        const el = element as unknown as { getAttribute(name: string): string | null };
        return { start: el.getAttribute('data-vma-start') ?? '', end: el.getAttribute('data-vma-end') ?? '' };
      }),
    );
    const containing = rows.find((row) => BigInt(row.start) <= region.start && region.end <= BigInt(row.end));
    assert.ok(containing, `no row contains ${hex(region.start)}-${hex(region.end)}: ${JSON.stringify(rows)}`);
    // The target maps the region on its own, so the kernel keeps it as one VMA.
    assert.equal(containing.start, hex(region.start));
  });

  it('selects a region clicked in the table, and the tooltip names the address and node 0', async () => {
    const before = Number(await attribute(page, '.heatmap-stack', 'data-pages-per-pixel'));
    const row = page.locator(`tr[data-vma-start="${hex(region.start)}"]`);
    await row.click();
    await waitFor('the row to be selected', async () => /selected/.test((await row.getAttribute('class')) ?? ''));
    await page.locator('[data-testid="selection-summary"]', { hasText: '16,384 pages' }).waitFor();
    // The region is nearly the whole process, so "zoom to it" may keep the overview; it must never zoom out.
    assert.ok(Number(await attribute(page, '.heatmap-stack', 'data-pages-per-pixel')) <= before);
    const box = await page.locator(PANEL).boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('[data-testid="heatmap-tooltip"]');
    await tooltip.waitFor({ timeout: 5000 });
    const text = await tooltip.innerText();
    assert.match(text, /node 0/);
    const address = /0x[0-9a-f]+/.exec(text)?.[0];
    assert.ok(address, `no address in the tooltip: ${text}`);
    assert.ok(BigInt(address) >= region.start && BigInt(address) < region.end, `${address} is outside the region clicked`);
    await page.screenshot({ path: join(SCREENSHOTS, 'tooltip.png'), clip: { x: 0, y: Math.max(0, box.y - 140), width: 1400, height: 320 } });
  });

  it('exports the placement as a snapshot file that parseSnapshot accepts', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-snapshot"]')]);
    assert.match(download.suggestedFilename(), /^numascope-.*\.json$/);
    exported = join(work, download.suggestedFilename());
    await download.saveAs(exported);
    const file = parseSnapshot(readFileSync(exported, 'utf8'));
    assert.equal(file.process.pid, target.pid);
    const vma = file.vmas.find((v) => BigInt(v.start) === region.start);
    assert.ok(vma, 'the exported snapshot lacks the 64 MiB region');
    const onNode0 = [...vma.runs].filter(([, status]) => status === 0).reduce((sum, [count]) => sum + count, 0);
    assert.equal(onNode0, Number((region.end - region.start) / BigInt(target.info.pageSize)));
  });

  it('says once that this one-node machine has nowhere to move pages to, and the move dialog offers nothing to click', async () => {
    // This host has one node: the view says so once, near the top.
    const note = page.locator('[data-testid="one-node-note"]');
    assert.equal(await note.count(), 1);
    assert.match(await note.innerText(), /one NUMA node with memory \(node 0\): there is nowhere to move pages to/);
    const box = await page.locator(PANEL).boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    const summary = await page.locator('[data-testid="selection-summary"]').innerText();
    assert.match(summary, /Selected [\d,]+ pages/);
    await page.click('[data-testid="move-to-node"]');
    // It used to offer "Move to node 0" and report every page as already there.
    const why = page.locator('[data-testid="move-no-target"]');
    await why.waitFor({ timeout: 20_000 });
    assert.match(await why.innerText(), /one NUMA node with memory \(node 0\): there is no other node to move pages to/);
    assert.equal(await page.locator('[data-testid="confirm-move"]').count(), 0);
    assert.equal(await page.locator('[data-testid="move-target"]').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'move-dialog-one-node.png') });
    await page.click('dialog[open] button:has-text("Close")');
    // Nor does node 0's label offer to move all of it.
    assert.equal(await page.locator('[data-testid^="move-node-"]').count(), 0);
  });

  it('opens the exported snapshot with the server stopped, and in a page with no server at all', async () => {
    assert.ok(exported, 'the export step did not run');
    await serve.stop();
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/api/')) apiCalls.push(request.url());
    });
    await page.setInputFiles('[data-testid="open-snapshot"]', exported);
    await page.locator('.badge', { hasText: 'offline' }).waitFor({ timeout: 10_000 });
    await waitFor('node 0 canvas pixels (offline)', async () => (await canvasInk(page, PANEL)).inked > 0);
    assert.ok(await page.locator(`tr[data-vma-start="${hex(region.start)}"]`).count(), 'region row missing offline');
    assert.deepEqual(apiCalls, []);

    const offline = await context.newPage();
    await offline.goto(pathToFileURL(join(repoRoot, 'dist', 'renderer', 'index.html')).href);
    await offline.locator('text=Offline viewer').waitFor({ timeout: 10_000 });
    await offline.setInputFiles('[data-testid="open-snapshot"]', exported);
    await offline.waitForSelector(PANEL, { timeout: 10_000 });
    const ink = await waitForInk(offline, PANEL, 'node 0 canvas pixels (file://)');
    assert.ok(ink.inked > 0);
    await offline.close();
    assert.deepEqual(pageErrors, []);
  });
});
