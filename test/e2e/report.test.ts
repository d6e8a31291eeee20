/**
 * A report page (`numascope report --pid`) of a real target, opened from file:// in Chromium
 * with every network request routed to fail: it must fetch nothing (the page itself is the
 * only request), break none of its own CSP, and show the snapshot: the panel drawn, the
 * per-node totals of the embedded snapshot, the tooltip, zoom and PNG export. A snapshot
 * whose text tries to end the data element is shown as text.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { parseSnapshot, serializeSnapshot } from '../../app/common/snapshot/codec.js';
import type { SnapshotFile } from '../../app/common/snapshot/schema.js';
import { cli } from '../helpers/cli.js';
import { reportParts } from '../helpers/report.js';
import { Target } from '../helpers/target.js';
import { attribute, noChromium, suiteBrowserPage, waitForInk } from './browser.js';
import { waitFor } from './serve.js';

const PANEL = '[data-node-panel="0"]';

interface ViolationGlobals {
  cspViolations: string[];
  document: { addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void): void };
}

/** Every request the page makes, and those for anything but the report itself (routed to fail, files too). */
interface Traffic {
  requests: string[];
  refused: string[];
}

async function watchTraffic(page: Page, report: string): Promise<Traffic> {
  const traffic: Traffic = { requests: [], refused: [] };
  page.on('request', (request) => traffic.requests.push(request.url()));
  await page.route('**/*', async (route) => {
    if (route.request().url() === report) return route.continue();
    traffic.refused.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  // Collected from the first script on, so a refused inline script or style would be seen.
  await page.addInitScript(() => {
    const g = globalThis as unknown as ViolationGlobals;
    g.cspViolations = [];
    g.document.addEventListener('securitypolicyviolation', (event) => g.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return traffic;
}

const cspViolations = (page: Page): Promise<string[]> => page.evaluate(() => (globalThis as unknown as ViolationGlobals).cspViolations);

async function writeReport(args: string[], out: string): Promise<SnapshotFile> {
  const run = await cli(['report', ...args, '-o', out]);
  assert.equal(run.code, 0, run.stderr);
  return parseSnapshot(reportParts(readFileSync(out, 'utf8')).data);
}

describe('a report page opens offline from file:// and shows its snapshot', { skip: noChromium, timeout: 180_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 900 });
  let target: Target;
  let dir: string;

  before(async () => {
    target = await Target.start(['--anon', '16M', '--sparse', '64M:16', '--nohuge']);
    dir = mkdtempSync(join(tmpdir(), 'numascope-report-e2e-'));
  });
  after(async () => {
    await target?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the panel with the snapshot totals, with tooltip, zoom and PNG export, fetching nothing', async () => {
    const out = join(dir, 'report.html');
    const snapshot = await writeReport(['--pid', String(target.pid)], out);
    const { page } = ui;
    const url = pathToFileURL(out).href;
    const traffic = await watchTraffic(page, url);
    await page.goto(url);
    assert.match(await page.title(), new RegExp(`^numascope report: target\\S* \\(pid ${target.pid}\\) on \\S+, taken `));
    assert.ok((await waitForInk(page, PANEL, 'node 0 canvas pixels')).inked > 0);

    // The totals are the embedded snapshot's, per node and not present.
    const bytesOf = async (part: string): Promise<number> => Number(await attribute(page, `[data-totals-part="${part}"]`, 'data-bytes'));
    const node0 = (snapshot.totals.byNode['0'] ?? 0) * snapshot.pageSize;
    const absent = Object.values(snapshot.totals.byStatus).reduce((sum, pages) => sum + pages, 0) * snapshot.pageSize;
    assert.ok(node0 >= 16 << 20, `node 0 holds ${node0} bytes`);
    assert.equal(await bytesOf('0'), node0);
    assert.equal(await bytesOf('absent'), absent);
    assert.match(await page.locator('[data-testid="source"]').innerText(), new RegExp(`pid ${target.pid} .*offline: target\\S*-${target.pid}\\.numascope\\.json`));
    // Moves and live polling need a server: neither is offered.
    assert.equal(await page.locator('button', { hasText: 'Choose process' }).count(), 0);
    assert.equal(await page.locator('[data-testid="move-to-node"]').count(), 0);

    const box = await page.locator(PANEL).boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    const tooltip = page.locator('[data-testid="heatmap-tooltip"]');
    await tooltip.waitFor({ timeout: 5000 });
    assert.match(await tooltip.innerText(), /^0x[0-9a-f]+/);
    assert.match(await tooltip.innerText(), /node 0/);

    const before = Number(await attribute(page, '.heatmap-stack', 'data-pages-per-pixel'));
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -160);
    await waitFor('a zoom', async () => Number(await attribute(page, '.heatmap-stack', 'data-pages-per-pixel')) < before);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png"]')]);
    assert.match(download.suggestedFilename(), new RegExp(`-${target.pid}-.*-heatmaps\\.png$`));
    const png = readFileSync(await download.path());
    assert.equal(png.subarray(1, 4).toString(), 'PNG');

    // The page itself is its only file; the PNG went out through a blob: URL of its own.
    assert.deepEqual(traffic.refused, []);
    assert.deepEqual(
      traffic.requests.filter((request) => !request.startsWith('blob:')),
      [url],
    );
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(ui.pageErrors, []);
  });

  it('shows text that tries to end the data element as text', async () => {
    const source = join(dir, 'source.json');
    const taken = await cli(['snapshot', String(target.pid), '-o', source]);
    assert.equal(taken.code, 0, taken.stderr);
    const snapshot = parseSnapshot(readFileSync(source, 'utf8'));
    const comm = '</script><img src=x onerror=alert(1)>';
    writeFileSync(source, serializeSnapshot({ ...snapshot, process: { ...snapshot.process, comm } }));
    const out = join(dir, 'hostile.html');
    await writeReport([source], out);
    const page = await ui.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => errors.push(`dialog: ${dialog.message()}`));
    const url = pathToFileURL(out).href;
    const traffic = await watchTraffic(page, url);
    await page.goto(url);
    await waitForInk(page, PANEL, 'node 0 canvas pixels');
    assert.match(await page.locator('[data-testid="source"] strong').innerText(), new RegExp(`pid ${snapshot.process.pid} ${comm.replace(/[()]/g, '\\$&')}`));
    assert.equal(await page.title(), `numascope report: ${comm} (pid ${snapshot.process.pid}), taken ${snapshot.takenAt.replace('T', ' ').replace(/\.\d+/, '')}`);
    assert.deepEqual(traffic.refused, []);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
