/**
 * The live chart over time in Chromium, against the four-node stand-in server: a range moved
 * through the move dialog and then undone leaves a mark where each started and ended, at the
 * polls that showed the pages before and after; the locality line follows the polls, and a
 * heat measurement's intervals appear under its label.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { locality } from '../../app/main/advice/locality.js';
import { screenshotDir } from '../helpers/screenshots.js';
import { attribute, noChromium, suiteBrowserPage } from './browser.js';
import { startFakeServer, type FakeServer } from './fake-server.js';
import { waitFor } from './serve.js';

const SCREENSHOTS = screenshotDir();
const CHART = '[data-testid="timeline-chart"]';
/** libc's data: 16 pages, all on node 1 (fake-server's fakePlacement). */
const ON_NODE_1 = 'tr[data-vma-start="0x7fa0001a4000"]';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Totals {
  byNode: Record<string, number>;
  absent: number;
}

interface Mark {
  kind: string;
  edge: string;
  poll: number;
  /** The totals of the poll the mark names. */
  totals: unknown;
}

describe('the live chart marks a move and its undo at the polls that show them', { skip: noChromium, timeout: 120_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let server: FakeServer;
  /** Every poll the chart drew, read off its last point as it arrived. */
  const seen = new Map<number, Totals>();
  let sampling = true;
  let sampler: Promise<void> = Promise.resolve();

  before(async () => {
    server = await startFakeServer({ moveStepMs: 150, heatStepMs: 200 });
  });
  after(async () => {
    sampling = false;
    await sampler;
    await server?.close();
  });

  const lastSequence = async (): Promise<number> => Number(await attribute(ui.page, CHART, 'data-last-sequence'));
  /** Waits for `count` more polls, and answers the last one's totals once the sampler has read them. */
  const pollsAfter = async (count: number): Promise<Totals> => {
    const from = await lastSequence();
    const last = await waitFor(`${count} more polls`, async () => {
      const now = await lastSequence();
      return now >= from + count ? now : undefined;
    }, 15_000);
    return waitFor(`poll ${last} sampled`, async () => seen.get(last), 5000, 20);
  };

  it('moves a range through the dialog, undoes it, and finds both marks at the right polls', async () => {
    const { page } = ui;
    await page.goto(server.url.replace('?', `?pid=${server.pid}&`));
    await page.waitForSelector(CHART, { timeout: 20_000 });
    sampler = (async () => {
      while (sampling) {
        const [sequence, totals] = await Promise.all([attribute(page, CHART, 'data-last-sequence'), attribute(page, CHART, 'data-last-totals')]).catch(() => [null, null]);
        if (sequence && totals) seen.set(Number(sequence), JSON.parse(totals) as Totals);
        await sleep(30);
      }
    })();
    const beforeMove = await pollsAfter(2);

    await page.locator(ON_NODE_1).click();
    await page.locator('[data-testid="selection-summary"]').waitFor();
    await page.click('[data-testid="move-to-node"]');
    const confirm = page.locator('[data-testid="confirm-move"]');
    await waitFor('the plan', () => confirm.isEnabled());
    await page.selectOption('[data-testid="move-target"]', '0');
    await confirm.click();
    const result = page.locator('[data-testid="move-result"]');
    await result.waitFor({ timeout: 10_000 });
    assert.equal(await result.getAttribute('data-outcome'), 'complete');
    const afterMove = await pollsAfter(2);
    assert.equal(afterMove.byNode['1'], (beforeMove.byNode['1'] ?? 0) - 16, 'the 16 pages left node 1');
    assert.equal(afterMove.byNode['0'], (beforeMove.byNode['0'] ?? 0) + 16, 'and are on node 0');

    await result.locator('button', { hasText: 'Undo' }).click();
    await page.locator('[data-testid="move-result"]', { hasText: 'Undo' }).waitFor({ timeout: 10_000 });
    assert.deepEqual(await pollsAfter(2), beforeMove, 'the undo put the pages back');

    const marks = await page.locator(`${CHART} line[data-mark]`).evaluateAll((lines) =>
      lines.map((line) => {
        const get = (name: string): string => (line as unknown as { getAttribute(n: string): string | null }).getAttribute(name) ?? '';
        return { kind: get('data-mark'), edge: get('data-edge'), poll: Number(get('data-poll')), totals: JSON.parse(get('data-totals') || 'null') as unknown };
      }),
    );
    assert.deepEqual(
      marks.map((m: Mark) => `${m.kind} ${m.edge}`),
      ['move start', 'move end', 'undo start', 'undo end'],
    );
    const [moveStart, moveEnd, undoStart, undoEnd] = marks as [Mark, Mark, Mark, Mark];
    // A start sits at a poll that still shows the pages where they were; an end at the poll that shows where they went.
    assert.deepEqual(marks.map((m: Mark) => m.totals), [beforeMove, afterMove, afterMove, beforeMove], marks.map((m: Mark) => `${m.kind} ${m.edge} at poll ${m.poll}`).join(', '));
    assert.ok(moveStart.poll < moveEnd.poll && moveEnd.poll <= undoStart.poll && undoStart.poll < undoEnd.poll, marks.map((m: Mark) => m.poll).join(' '));
    await page.click('[data-testid="move-result"] button:has-text("Dismiss")');
    await page.locator(CHART).screenshot({ path: join(SCREENSHOTS, 'timeline-move-marks.png') });
    assert.deepEqual(ui.pageErrors, []);
  });

  it("draws the locality of every poll but the first, and a heat measurement's intervals under its label", async () => {
    const { page } = ui;
    const result = page.locator('[data-testid="move-result"] button:has-text("Dismiss")');
    if ((await result.count()) > 0) await result.click();
    // The stand-in's threads run 70% on node 0 and 30% on node 1.
    const last = await pollsAfter(0);
    const expected = locality(new Map(Object.entries(last.byNode).map(([node, pages]) => [Number(node), pages])), new Map([[0, 0.7], [1, 0.3]]));
    assert.ok(expected !== null);
    assert.ok(Math.abs(Number(await attribute(page, CHART, 'data-last-locality')) - expected) < 1e-9);
    const path = (await page.locator(`${CHART} [data-locality-line]`).getAttribute('d')) ?? '';
    const polls = Number(await attribute(page, CHART, 'data-polls'));
    // The first poll has none; the page may have drawn from the second on (its first update can come before the watch's answer).
    const drawn = (path.match(/[ML]/g) ?? []).length;
    assert.ok(drawn === polls || drawn === polls - 1, `${drawn} points for ${polls} polls`);
    assert.match(path, /^M[^M]*$/, 'one unbroken line');

    await page.selectOption('[data-testid="heat-source"]', 'soft-dirty');
    await page.fill('[data-testid="heat-seconds"]', '2');
    await page.click('[data-testid="heat-measure"]');
    await page.locator('[data-testid="heat-measurement"]').waitFor({ timeout: 15_000 });
    await waitFor('the heat intervals on the chart', async () => (await attribute(page, CHART, 'data-heat-points')) === '4');
    assert.equal(await page.locator(`${CHART} .timeline-heat-dot`).count(), 4);
    assert.match(await page.locator('[data-testid="share-strip"]').textContent() ?? '', /locality · heat: writes only \(soft-dirty\)/);
    await pollsAfter(1);
    const plot = page.locator(`${CHART} .timeline-plot`);
    const box = await plot.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width - 2, box.y + 20);
    await page.locator('[data-testid="timeline-readout"]', { hasText: /locality \d+(\.\d)?%/ }).waitFor({ timeout: 5000 });
    await page.locator(CHART).screenshot({ path: join(SCREENSHOTS, 'timeline-locality-heat.png') });
    assert.deepEqual(ui.pageErrors, []);
  });
});
