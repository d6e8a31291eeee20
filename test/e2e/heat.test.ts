/**
 * Heat in the page, in Chromium. Against the real `numascope serve` and a real target: this
 * host's kernel has no soft-dirty bits, so "Measure heat" must end in the one line that says
 * so (where a kernel has them, the written buffer must top the ranking). Against the stand-in
 * server (four nodes, a made-up measurement advised by the real rules): the heat band, the
 * table's heat and locality columns, the advice and its "Move…" through the usual move dialog,
 * progress and undo, and the heat section exported and drawn again from the file offline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseSnapshot } from '../../app/common/snapshot/codec.js';
import { kernelTracksSoftDirty } from '../../native/sync.js';
import { HeatTarget } from '../helpers/heat-target.js';
import { screenshotDir } from '../helpers/screenshots.js';
import { canvasInk, noChromium, suiteBrowserPage } from './browser.js';
import { oneNodeOptions } from './fake-heat.js';
import { startFakeServer, type FakeServer } from './fake-server.js';
import { startServe, waitFor, type Serve } from './serve.js';

const SCREENSHOTS = screenshotDir();
const PANEL = '[data-node-panel="0"]';

function withPid(url: string, pid: number): string {
  const parsed = new URL(url);
  parsed.searchParams.set('pid', String(pid));
  return parsed.toString();
}

async function measure(page: Page, seconds: number): Promise<void> {
  await page.fill('[data-testid="heat-seconds"]', String(seconds));
  await page.click('[data-testid="heat-measure"]');
}

/** data-* numbers of the table's rows, top to bottom (NaN where empty). */
function columnValues(page: Page, attribute: string): Promise<number[]> {
  return page.locator(`tr[data-vma-start] td[${attribute}]`).evaluateAll((cells, name) => cells.map((cell) => Number((cell as unknown as { getAttribute(n: string): string }).getAttribute(name) || 'NaN')), attribute);
}

function nonIncreasing(values: number[]): boolean {
  const known = values.filter((value) => !Number.isNaN(value));
  return known.every((value, i) => i === 0 || value <= (known[i - 1] as number));
}

describe('heat against numascope serve and a real process on this machine', { skip: noChromium, timeout: 120_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let target: HeatTarget;
  let serve: Serve;

  before(async () => {
    target = await HeatTarget.start({ hotMiB: 8, coldMiB: 8 });
    serve = await startServe(['--pid', String(target.pid), '--interval', '1000']);
  });
  after(async () => {
    await serve?.stop();
    await target?.stop();
  });

  it('"Measure heat" shows the one line saying why no heat can be measured here, or ranks the written buffer first', async () => {
    await ui.page.goto(serve.url);
    await ui.page.waitForSelector(PANEL, { timeout: 30_000 });
    await measure(ui.page, 2);
    if (!kernelTracksSoftDirty()) {
      const error = ui.page.locator('[data-testid="heat-error"]');
      await error.waitFor({ timeout: 20_000 });
      assert.equal(await error.innerText(), `no heat source for process ${target.pid}: soft-dirty: this kernel does not track soft-dirty bits (built without CONFIG_MEM_SOFT_DIRTY)`);
      // Nothing shown as a measurement, and the control is back for another try.
      assert.equal(await ui.page.locator('[data-testid="heat-measurement"]').count(), 0);
      assert.equal(await ui.page.locator('[data-testid="heat-band"]').count(), 0);
      await ui.page.locator('[data-testid="heat-measure"]').waitFor();
      await ui.page.locator('[data-testid="heat-panel"]').screenshot({ path: join(SCREENSHOTS, 'heat-refused.png') });
    } else {
      await ui.page.locator('[data-testid="heat-measurement"]').waitFor({ timeout: 30_000 });
      assert.match(await ui.page.locator('[data-testid="heat-measurement"]').innerText(), /writes only \(soft-dirty\)/);
      const first = await ui.page.locator('[data-testid="hottest"] tbody tr td').first().innerText();
      assert.ok(BigInt(first) >= target.hot.start - 4096n && BigInt(first) < target.hot.end, `hottest range starts at ${first}`);
    }
    assert.deepEqual(ui.pageErrors, []);
  });
});

describe('heat, locality and advice against the four-node stand-in server', { skip: noChromium, timeout: 180_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1100 });
  let server: FakeServer;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'numascope-e2e-heat-'));
    server = await startFakeServer({ moveStepMs: 200, heatStepMs: 150 });
  });
  after(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('draws the measurement: its label, the heat band (switchable), heat and locality columns that sort', async () => {
    const { page } = ui;
    await page.goto(withPid(server.url, server.pid));
    await page.waitForSelector('[data-node-panel="3"]');
    assert.equal(await page.locator('[data-testid="heat-band"]').count(), 0);
    assert.equal(await page.locator('th[data-sort="heat"]').count(), 0);
    await page.selectOption('[data-testid="heat-source"]', 'soft-dirty');
    await measure(page, 3);
    await page.locator('[data-testid="heat-measurement"]').waitFor();
    assert.deepEqual(server.requests.filter((r) => r.channel === 'heat:measure').map((r) => r.body), [{ pid: server.pid, startTime: 987654, seconds: 3, intervalMs: 750, source: 'soft-dirty' }]);
    const line = await page.locator('[data-testid="heat-measurement"]').innerText();
    assert.match(line, /^writes only \(soft-dirty\) · 4 KiB pages \(PAGEMAP_SCAN\) · 4 intervals of 750 ms · measured .* \(\d+ s ago\)/);
    assert.match(line, /locality 0\.\d\d \(estimate: .* CPU time: node 0 100%\)/);

    // The band: ink where the written ranges are, gone when switched off.
    await waitFor('heat band pixels', async () => (await canvasInk(page, '[data-testid="heat-band"]')).inked > 0);
    // Hovering the band reads out the range under the pointer.
    const band = await page.locator('[data-testid="heat-band"] canvas').boundingBox();
    assert.ok(band);
    const hot = await page.evaluate(() => {
      type Canvas = { width: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      const canvas = (globalThis as unknown as { document: { querySelector(s: string): Canvas } }).document.querySelector('[data-testid="heat-band"] canvas');
      const row = canvas.getContext('2d').getImageData(0, 2, canvas.width, 1).data;
      for (let x = 0; x < canvas.width; x++) if ((row[x * 4 + 3] as number) > 0) return x / canvas.width;
      return -1;
    });
    assert.ok(hot >= 0);
    await page.mouse.move(band.x + band.width * hot + 1, band.y + band.height / 2);
    assert.match(await page.locator('[data-testid="heat-band-readout"]').innerText(), /^0x[0-9a-f]+–0x[0-9a-f]+ heat 0\.\d\d$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'heat-advice.png'), fullPage: true });
    await page.uncheck('[data-testid="heat-band-toggle"]');
    assert.equal(await page.locator('[data-testid="heat-band"]').count(), 0);
    await page.check('[data-testid="heat-band-toggle"]');
    await page.locator('[data-testid="heat-band"]').waitFor();

    // Heat per region: the CXL-resident cache is the warmest for its size; sorting puts it first.
    await page.click('th[data-sort="heat"] button');
    assert.equal(await page.locator('th[data-sort="heat"]').getAttribute('aria-sort'), 'descending');
    const heats = await columnValues(page, 'data-heat');
    assert.ok(nonIncreasing(heats), `heat column not sorted: ${heats.join(', ')}`);
    assert.equal(await page.locator('tr[data-vma-start]').first().getAttribute('data-vma-start'), '0x7f3000000000');
    assert.ok((heats[0] as number) > 0.1 && (heats[0] as number) < 0.2, `heat of the cache ${heats[0]}`);
    await page.click('th[data-sort="locality"] button');
    const localities = await columnValues(page, 'data-locality');
    assert.ok(nonIncreasing(localities), `locality column not sorted: ${localities.join(', ')}`);
    // Every page of the binary's text is on node 0, where all the CPU time is.
    assert.equal(localities[0], 1);
  });

  it('shows a measurement\'s progress, and Cancel ends it without touching the one shown', async () => {
    const { page } = ui;
    await measure(page, 60);
    const progress = page.locator('[data-testid="heat-progress"]');
    await waitFor('progress', async () => /measuring…\s+[1-9]\d* of 60 intervals/.test(await progress.innerText()), 8000);
    await progress.locator('button', { hasText: 'Cancel' }).click();
    await page.locator('[data-testid="heat-cancelled"]').waitFor();
    assert.equal(await page.locator('[data-testid="heat-error"]').count(), 0);
    assert.match(await page.locator('[data-testid="heat-measurement"]').innerText(), /4 intervals of 750 ms/);
    assert.ok(server.requests.some((r) => r.channel === 'heat:cancel'));
  });

  it('advises promoting the hot pages far from the busy node; "Move…" opens the usual dialog, which moves and undoes', async () => {
    const { page } = ui;
    const items = page.locator('[data-testid="recommendation"]');
    assert.ok((await items.count()) >= 3);
    const first = await items.first().innerText();
    assert.match(first, /^promote 0x[0-9a-f]+–0x[0-9a-f]+ · [\d.]+ [KMG]iB \([\d,]+ pages\) · node [123] → node 0 · heat 0\.\d\d/);
    await items.first().locator('[data-testid="advice-move"]').click();
    await page.locator('[data-testid="confirm-move"]').waitFor();
    assert.equal(await page.locator('[data-testid="move-target"]').inputValue(), '0');
    const range = /(0x[0-9a-f]+)–(0x[0-9a-f]+)/.exec(first);
    assert.ok(range);
    assert.match(await page.locator('[data-testid="move-cli"]').innerText(), new RegExp(`${range[1]}-${range[2]}`));
    await page.click('[data-testid="confirm-move"]');
    const result = page.locator('[data-testid="move-result"]');
    await result.waitFor({ timeout: 20_000 });
    assert.equal(await result.getAttribute('data-outcome'), 'complete');
    const move = server.requests.filter((r) => r.channel === 'move:start').at(-1)?.body as { toNode: number; ranges: { start: string; end: string }[] };
    assert.equal(move.toNode, 0);
    assert.deepEqual(move.ranges, [{ start: range[1], end: range[2] }]);
    await result.locator('button', { hasText: 'Undo' }).click();
    await waitFor('undo done', async () => (await result.innerText()).startsWith('Undo:'), 20_000);
    assert.deepEqual(ui.pageErrors, []);
  });

  it('exports the heat with the snapshot and draws it again from the file offline', async () => {
    const { page } = ui;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-snapshot"]')]);
    const file = join(work, 'with-heat.json');
    await download.saveAs(file);
    const snapshot = parseSnapshot(readFileSync(file, 'utf8'));
    assert.equal(snapshot.heat?.version, 1);
    assert.equal(snapshot.heat?.source, 'soft-dirty');
    assert.equal(snapshot.heat?.label, 'writes only (soft-dirty)');
    assert.equal(snapshot.heat?.intervalMs, 750);
    assert.equal(snapshot.heat?.ranges.length, 3);

    await page.setInputFiles('[data-testid="open-snapshot"]', file);
    await page.locator('[data-testid="heat-measurement"]').waitFor();
    await waitFor('heat band pixels from the file', async () => (await page.locator('[data-testid="heat-band"]').count()) > 0 && (await canvasInk(page, '[data-testid="heat-band"]')).inked > 0);
    assert.match(await page.locator('[data-testid="heat-panel"]').innerText(), /Advice needs the live process/);
    assert.equal(await page.locator('[data-testid="heat-measure"]').count(), 0);
    assert.equal(await page.locator('[data-testid="hottest"] tbody tr').count(), 3);
    assert.equal(await page.locator('th[data-sort="locality"]').count(), 0);
    await page.click('th[data-sort="heat"] button');
    assert.equal(await page.locator('tr[data-vma-start]').first().getAttribute('data-vma-start'), '0x7f3000000000');
    await page.screenshot({ path: join(SCREENSHOTS, 'heat-offline.png'), fullPage: true });
    assert.deepEqual(ui.pageErrors, []);
  });
});

describe('heat on a one-node machine (stand-in server)', { skip: noChromium, timeout: 120_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let server: FakeServer;

  before(async () => {
    server = await startFakeServer(oneNodeOptions());
  });
  after(async () => {
    await server?.close();
  });

  it('says there is nowhere to move, and still ranks the heat', async () => {
    const { page } = ui;
    await page.goto(withPid(server.url, server.pid));
    await page.waitForSelector(PANEL);
    await measure(page, 2);
    await page.locator('[data-testid="advice"]').waitFor();
    assert.equal(await page.locator('[data-testid="recommendation"]').count(), 0);
    assert.equal(await page.locator('[data-testid="advice-note"]').first().innerText(), 'note: this machine has one NUMA node: there is nowhere to move pages to');
    assert.equal(await page.locator('[data-testid="hottest"] tbody tr').count(), 3);
    assert.match(await page.locator('[data-testid="hottest"] tbody tr').first().innerText(), /0\.90/);
    await page.locator('[data-testid="heat-panel"]').screenshot({ path: join(SCREENSHOTS, 'heat-one-node.png') });
    assert.deepEqual(ui.pageErrors, []);
  });
});
