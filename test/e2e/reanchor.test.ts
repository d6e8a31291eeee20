/**
 * A zoomed view over a layout that changes under it: each poll of the stand-in server finds
 * the heap grown, so every region after it starts later in the collapsed address space. The
 * view must keep the addresses it shows, at the zoom the user chose last, even when that zoom
 * was made between two polls.
 */
import { StatusStore } from '../../app/common/status-store.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Placement } from '../../app/common/types.js';
import { attribute, noChromium, suiteBrowserPage } from './browser.js';
import { startFakeServer, type FakeServer } from './fake-server.js';
import { waitFor } from './serve.js';

const PAGE = 4096;
const GROWTH = 4096;

/** The heap (the region named [heap]) gains GROWTH present pages on node 0. */
function growHeap(placement: Placement): Placement {
  const regions = placement.regions.map((region) => {
    if (region.vma.name !== '[heap]') return region;
    const grown = new Int16Array(region.status.length + GROWTH);
    grown.set(region.status.toArray());
    const status = StatusStore.of(grown, region.status.phase);
    return { vma: { ...region.vma, end: region.vma.end + BigInt(GROWTH * PAGE) }, status };
  });
  return { ...placement, regions };
}

describe('renderer when the layout grows under a zoomed view', { skip: noChromium, timeout: 120_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let server: FakeServer;

  before(async () => {
    server = await startFakeServer({ evolve: growHeap });
  });

  after(async () => {
    await server?.close();
  });

  const pagesPerPixel = async (): Promise<number> => Number(await attribute(ui.page, '.heatmap-stack', 'data-pages-per-pixel'));
  const shownSequence = async (): Promise<number> => Number(/#(\d+)/.exec((await ui.page.locator('.live-bar').textContent()) ?? '')?.[1] ?? 0);

  it('keeps a zoom made between two polls when the next poll grows a region', async () => {
    await ui.page.goto(`${server.url}&pid=${server.pid}`);
    await ui.page.waitForSelector('[data-node-panel="3"]');
    // Right after the page has shown a poll (and so recorded its view), with most of a second until the next.
    const shown = await waitFor('a first poll shown', async () => ((await shownSequence()) || undefined));
    const first = await waitFor('another poll shown', async () => {
      const sequence = await shownSequence();
      return sequence > shown ? sequence : undefined;
    });
    const overview = await pagesPerPixel();
    await ui.page.focus('.heatmap-stack');
    await ui.page.keyboard.press('+');
    await ui.page.keyboard.press('+');
    await ui.page.keyboard.press('ArrowRight');
    const zoomed = await waitFor('the zoom', async () => {
      const value = await pagesPerPixel();
      return value < overview / 2 ? value : undefined;
    });
    assert.equal(await shownSequence(), first, 'the zoom was made between two polls');
    // The next poll grows the heap, before the regions in view: the view moves with them, at the same zoom.
    // The poll's number is rendered in the commit that draws it and re-anchors the view.
    await waitFor('the next poll shown', async () => ((await shownSequence()) > first ? true : undefined));
    const after = await pagesPerPixel();
    assert.ok(Math.abs(after - zoomed) / zoomed < 1e-6, `pages per pixel ${zoomed} before the poll, ${after} after it (overview ${overview})`);
    assert.deepEqual(ui.pageErrors, []);
  });
});
