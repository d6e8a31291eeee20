// The move pictures of scripts/screenshots.mjs: a redis-server in the two-node QEMU guest
// (scripts/screenshots-in-guest.mjs fills it and serves it), and Chromium here, through the
// guest's port forward, dragging a range of redis's data from node 0 to node 1 and then
// moving all of node 0. Each move is checked against numa_maps in the guest, the kernel's own
// account, before its pictures count: a picture of a move that did not happen is refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './cli.mjs';
import { FILES, GUEST_PORT, nodePagesIn, nodePagesTotal, parseMaps, parseNumaMaps, present, readExchanged } from './guest-exchange.mjs';

const GUEST_LIMIT_MS = 25 * 60_000;
const READY_MS = 15 * 60_000;
const UI_MS = 3 * 60_000;
const NODE0 = '[data-node-panel="0"]';
const NODE1 = '[data-node-panel="1"]';

const count = (text) => Number(String(text).replace(/[,\s]/g, ''));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** "N pages · X MiB" under a node's label: the process's pages on that node, as the page counts them. */
async function nodePagesShown(page, node) {
  const text = await page.locator('.node-row', { has: page.locator(`[data-node-panel="${node}"]`) }).locator('.node-label .muted').innerText();
  return count(/^([\d,]+) pages?\b/.exec(text.trim())?.[1] ?? 'NaN');
}

/**
 * Boots the guest, takes the pictures into `out` and checks the moves. `tools` are the built
 * test helpers: { launchChromium, waitFor, freePort, say }.
 */
export async function guestPictures({ out, launchChromium, waitFor, freePort, say, requests, valueBytes, verbose }) {
  const { runInGuest } = await import(pathToFileURL(join(root, 'test', 'numa-vm', 'guest.mjs')).href);
  const outDir = mkdtempSync(join(tmpdir(), 'numascope-screenshots-guest-'));
  const hostPort = await freePort();
  const abort = new AbortController();
  let consoleText = '';
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const guest = runInGuest({
    topology: 'two-node',
    script: `exec node scripts/screenshots-in-guest.mjs --allow-host 127.0.0.1:${hostPort} --requests ${requests} --value-bytes ${valueBytes}\n`,
    timeoutMs: GUEST_LIMIT_MS,
    outDir,
    forwardPort: { host: hostPort, guest: GUEST_PORT },
    onOutput: (chunk) => {
      consoleText += chunk;
      if (verbose) process.stderr.write(chunk);
    },
    signal: abort.signal,
  });
  let guestOver = false;
  const over = () => {
    guestOver = true;
  };
  guest.then(over, over);
  const tail = () => `\n--- guest console (tail) ---\n${consoleText.split('\n').slice(-25).join('\n')}`;

  async function fromGuest(name, timeoutMs) {
    try {
      return await waitFor(
        `${name} from the guest`,
        async () => {
          if (present(outDir, FILES.failed)) throw new Error(`the guest side failed: ${readExchanged(outDir, FILES.failed).trim()}`);
          if (guestOver) throw new Error('the guest ended early');
          return present(outDir, name) ? readExchanged(outDir, name) : undefined;
        },
        timeoutMs,
        250,
      );
    } catch (error) {
      throw new Error(`${error.message}${tail()}`, { cause: error });
    }
  }

  let browser = null;
  try {
    const ready = JSON.parse(await fromGuest(FILES.ready, READY_MS));
    say(`guest: redis-server ${ready.pid} filled by redis-benchmark in ${ready.fillSeconds.toFixed(0)} s (${ready.keys} keys, ${ready.usedMemory}); serve up after ${elapsed()}`);
    const maps = parseMaps(readExchanged(outDir, FILES.maps));
    const before = parseNumaMaps(readExchanged(outDir, FILES.before));
    // redis's data: the mapping with the most pages, all on node 0 (redis is bound there).
    const data = [...before].sort((a, b) => (b.pages['0'] ?? 0) - (a.pages['0'] ?? 0))[0];
    const dataVma = maps.find((vma) => vma.start === data.start);
    if (dataVma === undefined) throw new Error(`no mapping at 0x${data.start.toString(16)} in redis's maps`);
    say(`guest: redis's largest mapping 0x${data.start.toString(16)}: ${data.pages['0'] ?? 0} pages on node 0, ${data.pages['1'] ?? 0} on node 1`);

    const url = new URL(ready.url);
    url.hostname = '127.0.0.1';
    url.port = String(hostPort);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url.href, { timeout: UI_MS });
    await page.waitForSelector(NODE1, { timeout: UI_MS });
    const row = page.locator(`tr[data-vma-start="0x${data.start.toString(16)}"]`);
    await row.waitFor({ timeout: UI_MS });
    await page.locator('[data-testid="changes"]').waitFor({ timeout: UI_MS });
    await pause(3000);
    await page.screenshot({ path: join(out, 'two-node-before.png') });
    say('wrote docs/screenshots/two-node-before.png');

    // Clicking the row zooms to the data mapping and selects it all; the selection is cleared
    // (a drag starting inside it would carry it) and the middle of the mapping brushed instead.
    await row.click();
    await page.click('button:has-text("Clear selection")');
    await page.evaluate('window.scrollTo(0, 0)');
    await pause(1500);
    const from = await page.locator(NODE0).boundingBox();
    const y = from.y + from.height / 2;
    await page.mouse.move(from.x + from.width * 0.35, y);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width * 0.65, y, { steps: 8 });
    await page.mouse.up();
    const source = await page.locator(NODE0).boundingBox();
    const drop = await page.locator(NODE1).boundingBox();
    await page.mouse.move(source.x + source.width * 0.5, source.y + source.height / 2);
    await page.mouse.down();
    await page.mouse.move(drop.x + drop.width * 0.5, drop.y + drop.height / 2, { steps: 10 });
    await page.mouse.up();
    const dialog = page.locator('.move-dialog');
    await dialog.waitFor({ timeout: 10_000 });
    const range = /(0x[0-9a-f]+)–(0x[0-9a-f]+)/.exec(await dialog.innerText());
    if (!range || BigInt(range[1]) < dataVma.start || BigInt(range[2]) > dataVma.end) throw new Error(`the brushed range ${range?.[0]} is not inside redis's data mapping`);
    const confirm = page.locator('[data-testid="confirm-move"]');
    await waitFor('the move plan', () => confirm.isEnabled(), UI_MS, 250);
    await page.screenshot({ path: join(out, 'move-dialog.png') });
    await confirm.click();
    const result = page.locator('[data-testid="move-result"]');
    await result.waitFor({ timeout: UI_MS });
    const moved = count(await result.locator('tr[data-result="moved"] td.num').innerText());

    writeFileSync(join(outDir, FILES.moved), '');
    const after = parseNumaMaps(await fromGuest(FILES.after, 60_000));
    const gained = nodePagesIn(after, '1', dataVma.start, dataVma.end) - nodePagesIn(before, '1', dataVma.start, dataVma.end);
    say(`range ${range[0]}: the page reports ${moved} pages moved to node 1; numa_maps in the guest counts ${gained} more on node 1 in that mapping`);
    if (moved <= 0 || gained !== moved) throw new Error(`numa_maps does not agree with the move result (${gained} vs ${moved}):\n${await result.innerText()}`);
    // The heatmaps catch up with the move at the next poll.
    await waitFor('node 1 to draw the moved range', async () => (await nodePagesShown(page, 1)) >= moved, UI_MS, 250);
    await pause(1500);
    await page.screenshot({ path: join(out, 'move-result.png') });
    say('wrote docs/screenshots/move-dialog.png and move-result.png');

    // The landing page: the guest's two nodes, and redis now on both.
    const system = await context.newPage();
    // Four processes and two node cards: no need for the full height.
    await system.setViewportSize({ width: 1400, height: 520 });
    const systemUrl = new URL(url.href);
    systemUrl.searchParams.delete('pid');
    await system.goto(systemUrl.href, { timeout: UI_MS });
    const redisRow = system.locator(`.system-view tr[data-pid="${ready.pid}"]`);
    await redisRow.waitFor({ timeout: UI_MS });
    await waitFor('redis on both nodes in the process table', async () => /(^|,)1:[1-9]/.test((await redisRow.locator('[data-node-bar]').getAttribute('data-node-bar')) ?? ''), UI_MS, 500);
    await system.screenshot({ path: join(out, 'system-view.png') });
    await system.close();
    say('wrote docs/screenshots/system-view.png');

    // Heat, while redis-benchmark keeps overwriting a tenth of the keys (the guest's kernel has
    // soft-dirty bits, which this host's lacks), with the whole process in view.
    await page.click('[data-testid="move-result"] button:has-text("Dismiss")');
    await page.keyboard.press('0');
    writeFileSync(join(outDir, FILES.load), '');
    await fromGuest(FILES.loading, 60_000);
    await page.fill('[data-testid="heat-seconds"]', '5');
    await page.click('[data-testid="heat-measure"]');
    await page.locator('[data-testid="heat-measurement"], [data-testid="heat-error"]').first().waitFor({ timeout: UI_MS });
    if ((await page.locator('[data-testid="heat-error"]').count()) > 0) throw new Error(`heat: ${await page.locator('[data-testid="heat-error"]').innerText()}`);
    writeFileSync(join(outDir, FILES.unload), '');
    await fromGuest(FILES.unloaded, 60_000);
    await page.locator('[data-testid="heat-panel"]').scrollIntoViewIfNeeded();
    await pause(1000);
    await page.screenshot({ path: join(out, 'heat.png') });
    say('wrote docs/screenshots/heat.png');
    // Freed values go back to the kernel over jemalloc's decay time (10 s): let that pass
    // before the next move, or numa_maps would count pages that were there a moment before.
    await page.evaluate('window.scrollTo(0, 0)');
    await pause(15_000);

    // All of node 0 to node 1, through the node's own button.
    const node0Before = await nodePagesShown(page, 0);
    await page.click('[data-testid="move-node-0"]');
    const nodeConfirm = page.locator('[data-testid="confirm-node-move"]');
    await waitFor('the whole-node plan', () => nodeConfirm.isEnabled(), UI_MS, 250);
    if ((await page.locator('[data-testid="node-move-target"]').inputValue()) !== '1') throw new Error('the whole-node dialog does not offer node 1');
    await page.screenshot({ path: join(out, 'node-move-dialog.png') });
    await nodeConfirm.click();
    await result.waitFor({ timeout: UI_MS });
    const nodeMoved = count(await result.locator('tr[data-result="moved"] td.num').innerText());
    writeFileSync(join(outDir, FILES.nodeMoved), '');
    const afterNode = parseNumaMaps(await fromGuest(FILES.afterNode, 60_000));
    const left = nodePagesTotal(afterNode, '0');
    const gainedAll = nodePagesTotal(afterNode, '1') - nodePagesTotal(after, '1');
    say(`all of node 0: the page reports ${nodeMoved} pages moved; numa_maps counts ${gainedAll} more on node 1 and ${left} left on node 0`);
    if (nodeMoved <= 0 || gainedAll < nodeMoved) throw new Error(`numa_maps does not agree with the whole-node move (${gainedAll} vs ${nodeMoved})`);
    await waitFor('node 0 to draw what is left', async () => (await nodePagesShown(page, 0)) < node0Before - nodeMoved / 2, UI_MS, 250);
    await pause(2500);
    await page.screenshot({ path: join(out, 'node-move-result.png') });
    say('wrote docs/screenshots/node-move-dialog.png and node-move-result.png');
    if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
  } finally {
    await browser?.close().catch(() => undefined);
    writeFileSync(join(outDir, FILES.finish), '');
    const timer = setTimeout(() => abort.abort('the guest did not power off after "finish"'), 120_000);
    const ended = await guest.catch((error) => error);
    clearTimeout(timer);
    if (ended instanceof Error) say(`guest: ${ended.message.split('\n')[0]}`);
    else say(`guest: exit ${ended.exitCode} after ${elapsed()}`);
    rmSync(outDir, { recursive: true, force: true });
  }
}
