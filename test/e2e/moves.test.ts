/**
 * Moves that explain themselves, in Chromium against the four-node stand-in server: the move
 * dialog offers only nodes that can take the selected pages (not where they all are already,
 * not outside the process's cpuset) and says why when none can; a whole node's pages move
 * from its label (button or drag onto another node's row) through the same confirm,
 * progress, result and undo. The one-node host's own message is checked against the real
 * server in serve.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { NodeMoveRequest } from '../../app/common/ipc.js';
import { screenshotDir } from '../helpers/screenshots.js';
import { noChromium, suiteBrowserPage } from './browser.js';
import { fakeTopology, startFakeServer, type FakeServer } from './fake-server.js';
import { waitFor } from './serve.js';

const SCREENSHOTS = screenshotDir();
/** libc's data: 16 pages, all on node 1 (fake-server's fakePlacement). */
const ON_NODE_1 = 'tr[data-vma-start="0x7fa0001a4000"]';

function optionValues(page: Page, select: string): Promise<string[]> {
  return page.locator(`${select} option`).evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
}

async function openFor(page: Page, server: FakeServer): Promise<void> {
  await page.goto(server.url.replace('?', `?pid=${server.pid}&`));
  await page.waitForSelector('[data-node-panel="0"]', { timeout: 20_000 });
}

async function selectRow(page: Page, row: string): Promise<void> {
  await page.locator(row).click();
  await page.locator('[data-testid="selection-summary"]').waitFor();
  await page.click('[data-testid="move-to-node"]');
}

describe('the move dialog offers only nodes that can take the pages', { skip: noChromium, timeout: 120_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let server: FakeServer;
  let cpuset: FakeServer;

  before(async () => {
    server = await startFakeServer();
    // A process whose cpuset allows node 1 only.
    cpuset = await startFakeServer({ memsAllowed: [1] });
  });
  after(async () => {
    await server?.close();
    await cpuset?.close();
  });

  it('leaves out the node every selected page is on and the node the cpuset refuses', async () => {
    const { page } = ui;
    await openFor(page, server);
    assert.equal(await page.locator('[data-testid="one-node-note"]').count(), 0, 'four nodes: no one-node note');
    await selectRow(page, ON_NODE_1);
    const confirm = page.locator('[data-testid="confirm-move"]');
    await waitFor('the plan', () => confirm.isEnabled());
    assert.deepEqual(await optionValues(page, '[data-testid="move-target"]'), ['0', '2']);
    assert.match(await confirm.innerText(), /Move to node 0/);
    await page.screenshot({ path: join(SCREENSHOTS, 'move-dialog-targets.png') });
    await page.keyboard.press('Escape');
  });

  it('says why when no node can take the pages, and offers nothing to confirm', async () => {
    const { page } = ui;
    await openFor(page, cpuset);
    await selectRow(page, ON_NODE_1);
    const why = page.locator('[data-testid="move-no-target"]');
    await why.waitFor();
    assert.match(await why.innerText(), /cpuset allows only node 1 \(Mems_allowed_list\), where the selected pages already are/);
    assert.equal(await page.locator('[data-testid="confirm-move"]').count(), 0);
    assert.equal(await page.locator('[data-testid="move-target"]').count(), 0);
    assert.equal(await page.locator('.movall input').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'move-dialog-no-target.png') });
    await page.click('dialog[open] button:has-text("Close")');
    await waitFor('the dialog to close', async () => (await page.locator('dialog[open]').count()) === 0);
  });
});

describe('moving everything on one node', { skip: noChromium, timeout: 120_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let server: FakeServer;

  before(async () => {
    server = await startFakeServer({ moveStepMs: 150 });
  });
  after(async () => {
    await server?.close();
  });

  const nodeRequests = (channel: string): NodeMoveRequest[] => server.requests.filter((r) => r.channel === channel).map((r) => r.body as NodeMoveRequest);

  it('"Move all of node 0…" plans, confirms, reports and undoes like a range move', async () => {
    const { page } = ui;
    await openFor(page, server);
    await page.click('[data-testid="move-node-0"]');
    const confirm = page.locator('[data-testid="confirm-node-move"]');
    await waitFor('the node plan', () => confirm.isEnabled());
    // Not node 0 itself, not node 3 (outside the cpuset).
    assert.deepEqual(await optionValues(page, '[data-testid="node-move-target"]'), ['1', '2']);
    const onNode0 = Number((await page.locator('[data-testid="node-move-pages"]').innerText()).split(' ')[0]?.replace(/,/g, ''));
    assert.ok(onNode0 > 1000, `pages on node 0: ${onNode0}`);
    await page.selectOption('[data-testid="node-move-target"]', '2');
    await waitFor('the plan for node 2', async () => (await confirm.isEnabled()) && /node 2$/.test(await confirm.innerText()));
    assert.match(await page.locator('[data-testid="node-move-cli"]').innerText(), new RegExp(`numascope migrate ${server.pid} --from 0 --to 2 --expect-start \\d+`));
    await page.screenshot({ path: join(SCREENSHOTS, 'node-move-dialog.png') });
    await confirm.click();
    const result = page.locator('[data-testid="move-result"]');
    await result.waitFor({ timeout: 10_000 });
    assert.deepEqual(nodeRequests('move:node-start').at(-1), { pid: server.pid, startTime: 987654, fromNode: 0, toNode: 2 });
    assert.equal(await result.getAttribute('data-outcome'), 'complete');
    const moved = Number((await result.locator('tr[data-result="moved"] td.num').innerText()).replace(/,/g, ''));
    assert.equal(moved, onNode0, 'every page on node 0 moved');
    await waitFor('node 0 emptied', async () => /^0 pages/.test(await page.locator('[data-node-label="0"] .muted').innerText()));
    assert.equal(await page.locator('[data-testid="move-node-0"]').count(), 0, 'an empty node offers no whole-node move');
    await page.screenshot({ path: join(SCREENSHOTS, 'node-move-result.png'), fullPage: true });

    await result.locator('button', { hasText: 'Undo' }).click();
    await page.locator('[data-testid="move-result"]', { hasText: 'Undo' }).waitFor({ timeout: 10_000 });
    await waitFor('node 0 refilled', async () => !/^0 pages/.test(await page.locator('[data-node-label="0"] .muted').innerText()));
    await page.click('[data-testid="move-result"] button:has-text("Dismiss")');
  });

  it("dragging node 1's label onto node 2's row opens the dialog for 1 → 2", async () => {
    const { page } = ui;
    await page.locator('[data-node-label="1"]').dragTo(page.locator('[data-node-panel="2"]'));
    const select = page.locator('[data-testid="node-move-target"]');
    await select.waitFor();
    assert.equal(await select.inputValue(), '2');
    await waitFor('the node plan', () => page.locator('[data-testid="confirm-node-move"]').isEnabled());
    assert.deepEqual(nodeRequests('move:node-plan').at(-1), { pid: server.pid, startTime: 987654, fromNode: 1, toNode: 2 });
    assert.match(await page.locator('dialog[open]').innerText(), /Move all of node 1/);
    await page.keyboard.press('Escape');
  });

  it('a label dropped on a node outside the cpuset says so and preselects one that can take the pages', async () => {
    const { page } = ui;
    await page.locator('[data-node-label="1"]').dragTo(page.locator('[data-node-panel="3"]'));
    const skipped = page.locator('[data-testid="target-skipped"]');
    await skipped.waitFor();
    assert.match(await skipped.innerText(), /Node 3 is not offered: node 3 is not in the process's Mems_allowed_list/);
    assert.equal(await page.locator('[data-testid="node-move-target"]').inputValue(), '0');
    await page.keyboard.press('Escape');
    assert.deepEqual(ui.pageErrors, []);
  });
});

describe('a one-node machine', { skip: noChromium, timeout: 60_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 900 });
  let server: FakeServer;

  before(async () => {
    const four = fakeTopology();
    const node0 = four.nodes[0];
    assert.ok(node0);
    server = await startFakeServer({ topology: { ...four, nodes: [{ ...node0, distances: [10] }], withMemory: [0], memoryTiers: [] }, memsAllowed: [0], placement: (identity) => ({ identity, pageSize: 4096, takenAt: Date.now(), regions: [] }) });
  });
  after(async () => {
    await server?.close();
  });

  it('says once that there is nowhere to move pages to', async () => {
    const { page } = ui;
    await page.goto(server.url.replace('?', `?pid=${server.pid}&`));
    const note = page.locator('[data-testid="one-node-note"]');
    await note.waitFor({ timeout: 20_000 });
    assert.equal(await note.count(), 1);
    assert.match(await note.innerText(), /one NUMA node with memory \(node 0\): there is nowhere to move pages to/);
  });
});
