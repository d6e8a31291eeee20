/**
 * What the main thread does for a wheel zoom, read from a Chromium trace: no script forces a
 * style recalculation or a layout in the middle of a step (reading a computed style or a
 * size after the DOM changed makes the browser do that work at once, and again in the frame).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { forcedWork, traceEvents } from '../../bench/input/trace.js';
import { noChromium, openBrowserPage } from './browser.js';
import { BIG_IDENTITY, interleavedPlacement, startFakeServer, type FakeServer } from './fake-server.js';
import { waitFor } from './serve.js';

interface PageGlobals {
  performance: { getEntriesByName(name: string): unknown[] };
}

function painted(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).performance.getEntriesByName('numascope:input-to-paint').length);
}

/** One wheel step in, waiting for its painted frame. */
async function wheelStep(page: Page): Promise<void> {
  const seen = await painted(page);
  await page.mouse.wheel(0, -160);
  await waitFor('the step painted', async () => (await painted(page)) > seen, 10_000, 20);
}

describe('the main thread during wheel zoom', { skip: noChromium, timeout: 120_000 }, () => {
  let server: FakeServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  before(async () => {
    server = await startFakeServer({ placement: () => interleavedPlacement(), identity: BIG_IDENTITY });
    ({ browser, page, pageErrors } = await openBrowserPage({ width: 1400, height: 1000 }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('forces no style recalculation or layout from script', async () => {
    // Polls a minute apart: the steps traced are the wheel's alone.
    await page.goto(`${server.url}&pid=${server.pid}&interval=60000`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).performance.getEntriesByName('numascope:first-draw').length > 0);
    const box = await page.locator('[data-node-panel="0"]').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.37, box.y + box.height / 2);
    // The first steps compile the code the rest run.
    for (let i = 0; i < 2; i++) await wheelStep(page);
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    for (let i = 0; i < 6; i++) await wheelStep(page);
    const forced = forcedWork(traceEvents((await browser.stopTracing()).toString()));
    assert.deepEqual(forced, [], 'style or layout forced by a script during the steps');
    assert.deepEqual(pageErrors, []);
  });
});
