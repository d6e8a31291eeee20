/**
 * The whole mission on a machine with two NUMA nodes: Chromium on the host drives
 * `numascope serve` running inside the two-node QEMU guest (through a port forward), brushes
 * a range of a real process's memory on node 0's heatmap, drags it onto node 1's, confirms,
 * and then the kernel's numa_maps in the guest, read apart from numascope, must count those
 * pages on node 1. The guest half is guest-side.ts; they talk through files (protocol.ts).
 *
 * Runs on the host: `node scripts/run-tests.mjs numa-e2e` (scripts/test-numa.mjs runs it
 * after the guest suites). NUMASCOPE_NUMA_E2E_VERBOSE=1 streams the guest console.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { screenshotDir } from '../helpers/screenshots.js';
import { loadGuestRig } from '../helpers/guest-rig.js';
import { buildC } from '../helpers/target.js';
import { canvasInk, canvasPixel, launchChromium, noChromium } from '../e2e/browser.js';
import { waitFor } from '../e2e/serve.js';
import { FILES, GUEST_PORT, nodePagesAt, present, type Ready } from './protocol.js';


const SCREENSHOTS = screenshotDir();
const NODE0 = '[data-node-panel="0"]';
const NODE1 = '[data-node-panel="1"]';
const REGION_PAGES = (64 << 20) / 4096;
const VERBOSE = process.env['NUMASCOPE_NUMA_E2E_VERBOSE'] === '1';
// Under TCG on a loaded two-core host a boot can take a minute and serve's start another;
// these bound each wait well above what was measured, so a stuck guest fails instead of hanging.
const GUEST_LIMIT_MS = 15 * 60_000;
const READY_MS = 6 * 60_000;
const UI_MS = 3 * 60_000;

/** Where in a panel to brush: fractions of its width, inside the 64 MiB region (most of the process). */
const BRUSH = { from: 0.3, to: 0.7 } as const;
const MIDDLE = (BRUSH.from + BRUSH.to) / 2;

// Ctrl-C, or scripts/test-numa.mjs stopping the run: leave through a normal exit, whose hooks
// in guest.mjs (QEMU) and playwright (Chromium) kill what this test started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const count = (text: string): number => Number(text.replace(/[,\s]/g, ''));
const isDark = ([r, g, b]: [number, number, number, number]): boolean => r + g + b < 200;
const isLight = ([r, g, b]: [number, number, number, number]): boolean => r + g + b > 450;

describe('two-node guest: a range dragged from node 0 to node 1 in Chromium on the host really moves', { skip: noChromium, timeout: GUEST_LIMIT_MS + 120_000 }, () => {
  const abort = new AbortController();
  let outDir = '';
  let hostPort = 0;
  let guestOutput = '';
  let guest: Promise<{ exitCode: number; output: string; durationMs: number }> | null = null;
  let guestEnded: Promise<never> | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let ready: Ready;
  let regionStart: bigint;
  let regionEnd: bigint;
  let moved = 0;
  let node1PagesBefore = 0;
  const pageErrors: string[] = [];
  const started = Date.now();

  const guestTail = (): string => `\n--- guest console (tail) ---\n${guestOutput.split('\n').slice(-25).join('\n')}`;
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  /** Waits for a file from the guest, failing at once if the guest gave up or powered off. */
  async function fromGuest(name: string, timeoutMs: number): Promise<string> {
    const file = waitFor(
      `${name} from the guest`,
      async () => {
        if (present(outDir, FILES.failed)) throw new Error(`the guest side failed: ${readFileSync(join(outDir, FILES.failed), 'utf8').trim()}`);
        return present(outDir, name) ? readFileSync(join(outDir, name), 'utf8') : undefined;
      },
      timeoutMs,
      250,
    );
    try {
      return await Promise.race([file, guestEnded as Promise<never>]);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}${guestTail()}`, { cause: error });
    }
  }

  /** "N pages · X MiB" under a node's label: that node's pages of the process, as the UI counts them. */
  async function nodePagesShown(node: number): Promise<number> {
    const text = await page.locator('.node-row', { has: page.locator(`[data-node-panel="${node}"]`) }).locator('.node-label .muted').innerText();
    const match = /^([\d,]+) pages/.exec(text.trim());
    assert.ok(match, `node ${node} label: ${text}`);
    return count(match[1] as string);
  }

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'numascope-numa-e2e-'));
    hostPort = await freePort();
    // Compiled under TCG it would take long and land in the guest's throwaway overlay; built
    // here, the guest finds it at the same path.
    buildC('target');
    const rig = await loadGuestRig();
    guest = rig.runInGuest({
      topology: 'two-node',
      script: `exec node dist/test/numa-e2e/guest-side.js --allow-host 127.0.0.1:${hostPort}\n`,
      timeoutMs: GUEST_LIMIT_MS,
      outDir,
      forwardPort: { host: hostPort, guest: GUEST_PORT },
      onOutput: (chunk) => {
        guestOutput += chunk;
        if (VERBOSE) process.stderr.write(chunk);
      },
      signal: abort.signal,
    });
    // Settles only by failing: the guest must not end while the host still waits on it.
    guestEnded = guest.then(
      (result) => Promise.reject(new Error(`the guest ended early with exit ${result.exitCode}`)),
      (error: unknown) => Promise.reject(error instanceof Error ? error : new Error(String(error))),
    );
    guestEnded.catch(() => undefined);
    ready = JSON.parse(await fromGuest(FILES.ready, READY_MS)) as Ready;
    regionStart = BigInt(ready.regionStart);
    regionEnd = BigInt(ready.regionEnd);
    process.stderr.write(`numa-e2e: guest serve ready after ${elapsed()} (target pid ${ready.pid}, host port ${hostPort})\n`);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (outDir && guest !== null) {
      writeFileSync(join(outDir, FILES.finish), '');
      // The guest stops serve and the target and powers off on its own; past this, pull the plug.
      const timer = setTimeout(() => abort.abort('the guest did not power off after "finish"'), 120_000);
      const result = await guest.catch((error: unknown) => error);
      clearTimeout(timer);
      if (result instanceof Error) process.stderr.write(`numa-e2e: guest: ${result.message.split('\n')[0]}\n`);
      else if (result !== null && typeof result === 'object' && 'exitCode' in result) {
        process.stderr.write(`numa-e2e: guest exit ${String(result.exitCode)} after ${elapsed()}\n`);
      }
    }
    abort.abort('test over');
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("numa_maps in the guest has the target's 64 MiB region all on node 0 to begin with", async () => {
    const numaMaps = await fromGuest(FILES.before, 10_000);
    assert.deepEqual(nodePagesAt(numaMaps, regionStart), { '0': REGION_PAGES });
  });

  it('the page, served in the guest and opened on the host through the forward, draws the region on node 0', async () => {
    // The URL serve printed names the guest's port; the browser goes through the host's.
    const url = new URL(ready.url);
    url.port = String(hostPort);
    await page.goto(url.href, { timeout: UI_MS });
    await page.waitForSelector(NODE1, { timeout: UI_MS });
    await page.locator(`tr[data-vma-start="${ready.regionStart}"]`).waitFor({ timeout: UI_MS });
    await waitFor('node 0 to draw the region (dark: all its pages on node 0)', async () => isDark(await canvasPixel(page, NODE0, MIDDLE, 0.5)), UI_MS, 250);
    assert.ok((await canvasInk(page, NODE1)).inked > 0, 'node 1 has a panel, painted');
    assert.ok(isLight(await canvasPixel(page, NODE1, MIDDLE, 0.5)), 'node 1 has none of the region yet');
    node1PagesBefore = await nodePagesShown(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'two-node-before.png'), fullPage: true });
  });

  it('a range brushed on node 0 and dropped on node 1 moves, as the dialog plans and the result reports', async () => {
    const from = await page.locator(NODE0).boundingBox();
    const to = await page.locator(NODE1).boundingBox();
    assert.ok(from && to);
    const y = from.y + from.height / 2;
    await page.mouse.move(from.x + from.width * BRUSH.from, y);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width * BRUSH.to, y, { steps: 8 });
    await page.mouse.up();
    const summary = await page.locator('[data-testid="selection-summary"]').innerText();
    const selected = count(/Selected ([\d,]+) pages/.exec(summary)?.[1] ?? 'NaN');
    assert.ok(selected > 1000 && selected < REGION_PAGES, summary);

    // A drag that starts inside the selection carries it; dropping it on node 1 opens the dialog for node 1.
    // The panels are measured again: what the selection adds above them can move them down.
    const source = await page.locator(NODE0).boundingBox();
    const drop = await page.locator(NODE1).boundingBox();
    assert.ok(source && drop);
    await page.mouse.move(source.x + source.width * MIDDLE, source.y + source.height / 2);
    await page.mouse.down();
    await page.mouse.move(drop.x + drop.width * MIDDLE, drop.y + drop.height / 2, { steps: 10 });
    await page.mouse.up();
    const dialog = page.locator('.move-dialog');
    await dialog.waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="move-target"]').inputValue(), '1');
    // The selection must lie inside the region, or the numa_maps check below would be off.
    const range = /(0x[0-9a-f]+)–(0x[0-9a-f]+)/.exec(await dialog.innerText());
    assert.ok(range, 'the dialog names the range');
    assert.ok(BigInt(range[1] as string) >= regionStart && BigInt(range[2] as string) <= regionEnd, `${range[0]} is not inside ${ready.regionStart}-${ready.regionEnd}`);

    const confirm = page.locator('[data-testid="confirm-move"]');
    await waitFor('the move plan', () => confirm.isEnabled(), UI_MS, 250);
    const plan = await page.locator('.plan-table').innerText();
    const wouldMove = count(/would move\s+([\d,]+)/.exec(plan)?.[1] ?? 'NaN');
    assert.equal(wouldMove, selected, plan);
    assert.match(await dialog.innerText(), /The process may use node 1\./);
    // Pictures of the run to look at; the README's come from scripts/screenshots.mjs, with a redis-server in the guest.
    await page.screenshot({ path: join(SCREENSHOTS, 'move-dialog.png') });
    await confirm.click();

    const result = page.locator('[data-testid="move-result"]');
    await result.waitFor({ timeout: UI_MS });
    assert.equal(await result.getAttribute('data-outcome'), 'complete', await result.innerText());
    const movedRow = result.locator('tr[data-result="moved"]');
    moved = count(await movedRow.locator('td.num').innerText());
    assert.equal(moved, selected, await result.innerText());
    assert.match(await movedRow.innerText(), /now on node 1/);
    assert.equal(await result.locator('tr[data-result^="failed"]').count(), 0, await result.innerText());
    process.stderr.write(`numa-e2e: UI reports ${moved} pages moved to node 1 after ${elapsed()}\n`);
  });

  it('numa_maps in the guest, read apart from numascope, counts exactly those pages on node 1', async () => {
    assert.ok(moved > 0, 'the move step did not run');
    writeFileSync(join(outDir, FILES.moved), '');
    const numaMaps = await fromGuest(FILES.after, 60_000);
    assert.deepEqual(nodePagesAt(numaMaps, regionStart), { '0': REGION_PAGES - moved, '1': moved });
  });

  it("node 1's heatmap now shows the moved pages, and node 0's no longer does", async () => {
    assert.ok(moved > 0, 'the move step did not run');
    await waitFor(`node 1's label to count ${moved} more pages`, async () => (await nodePagesShown(1)) - node1PagesBefore === moved, UI_MS, 250);
    await waitFor('node 1 to draw the moved range dark', async () => isDark(await canvasPixel(page, NODE1, MIDDLE, 0.5)), UI_MS, 250);
    assert.ok(isLight(await canvasPixel(page, NODE0, MIDDLE, 0.5)), 'node 0 still draws the moved range as its own');
    // Outside the moved range node 1 still has nothing of the region.
    assert.ok(isLight(await canvasPixel(page, NODE1, BRUSH.from - 0.1, 0.5)), 'node 1 draws pages that were not moved');
    // The heatmaps caught up with the move, and the result under them.
    await page.screenshot({ path: join(SCREENSHOTS, 'move-result.png') });
    await page.locator('[data-testid="move-result"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'two-node-move.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });

  it("node 0's label dropped on node 1's heatmap moves all of node 0 there (migrate_pages), as numa_maps in the guest counts", async () => {
    assert.ok(moved > 0, 'the range move did not run');
    await page.click('[data-testid="move-result"] button:has-text("Dismiss")');
    await page.locator('[data-node-label="0"]').dragTo(page.locator(NODE1));
    const target = page.locator('[data-testid="node-move-target"]');
    await target.waitFor({ timeout: 10_000 });
    assert.equal(await target.inputValue(), '1');
    const confirm = page.locator('[data-testid="confirm-node-move"]');
    await waitFor('the whole-node plan', () => confirm.isEnabled(), UI_MS, 250);
    const onNode0 = count(/^([\d,]+)/.exec(await page.locator('[data-testid="node-move-pages"]').innerText())?.[1] ?? 'NaN');
    assert.ok(onNode0 >= REGION_PAGES - moved, `pages on node 0: ${onNode0}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'two-node-node-move-dialog.png') });
    await confirm.click();
    const result = page.locator('[data-testid="move-result"]');
    await result.waitFor({ timeout: UI_MS });
    assert.equal(await result.getAttribute('data-outcome'), 'complete', await result.innerText());
    assert.ok(count(await result.locator('tr[data-result="moved"] td.num').innerText()) >= REGION_PAGES - moved, await result.innerText());
    writeFileSync(join(outDir, FILES.nodeMoved), '');
    const numaMaps = await fromGuest(FILES.afterNode, 60_000);
    assert.deepEqual(nodePagesAt(numaMaps, regionStart), { '1': REGION_PAGES });
    await waitFor('node 0 to draw the region light', async () => isLight(await canvasPixel(page, NODE0, BRUSH.from - 0.1, 0.5)), UI_MS, 250);
    await page.screenshot({ path: join(SCREENSHOTS, 'two-node-node-move.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
