/**
 * The page-wide keyboard shortcuts in Chromium, against the four-node stand-in for serve mode
 * (moves there change pages, so `u` has something to undo): each key works without clicking
 * the heatmaps first, keys typed into a field stay text, `?` lists them and Escape closes it.
 * Also the move result's table, sized to its content rather than the page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { attribute, noChromium, suiteBrowserPage } from './browser.js';
import { startFakeServer, type FakeServer } from './fake-server.js';
import { waitFor } from './serve.js';

interface PanelGlobals {
  document: { querySelector(selector: string): { toDataURL(): string } | null; activeElement: { getAttribute(name: string): string | null } | null };
}

function pagesPerPixel(page: Page): Promise<number> {
  return attribute(page, '.heatmap-stack', 'data-pages-per-pixel').then(Number);
}

/** Node 0's pixels as a data URL: panning changes them, the zoom level does not tell. */
function panelImage(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as PanelGlobals).document.querySelector('[data-node-panel="0"] canvas')?.toDataURL() ?? '');
}

/** Presses a key with the focus on the page body, so nothing but the document can take it. */
async function pressOnBody(page: Page, key: string): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
  await page.keyboard.press(key);
}

describe('keyboard shortcuts against the four-node stand-in server', { skip: noChromium, timeout: 120_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let server: FakeServer;

  before(async () => {
    server = await startFakeServer({ moveStepMs: 50 });
  });
  after(async () => {
    await server?.close();
  });

  it('zooms with w and s, pans with a and d, and resets with 0 and Home, without a click on the heatmaps', async () => {
    const { page } = ui;
    await page.goto(`${server.url}&pid=${server.pid}`);
    await page.waitForSelector('[data-node-panel="3"]', { timeout: 30_000 });
    const overview = await waitFor('the first draw', async () => (await pagesPerPixel(page)) || undefined);
    await pressOnBody(page, 'w');
    await waitFor('w to zoom in', async () => (await pagesPerPixel(page)) < overview);
    const zoomed = await pagesPerPixel(page);
    await pressOnBody(page, 'w');
    await waitFor('w to zoom in again', async () => (await pagesPerPixel(page)) < zoomed);
    await pressOnBody(page, 's');
    await waitFor('s to zoom out', async () => (await pagesPerPixel(page)) === zoomed);

    await pressOnBody(page, '0');
    await waitFor('0 to reset', async () => (await pagesPerPixel(page)) === overview);
    await pressOnBody(page, 'w');
    await waitFor('zoomed in', async () => (await pagesPerPixel(page)) < overview);
    const centred = await waitFor('a settled image', async () => {
      const first = await panelImage(page);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return first === (await panelImage(page)) ? first : undefined;
    });
    await pressOnBody(page, 'd');
    await waitFor('d to pan', async () => (await panelImage(page)) !== centred);
    assert.equal(await pagesPerPixel(page), zoomed, 'panning changed the zoom');
    const right = await panelImage(page);
    await pressOnBody(page, 'a');
    await waitFor('a to pan back', async () => (await panelImage(page)) !== right);
    await pressOnBody(page, 'Home');
    await waitFor('Home to reset', async () => (await pagesPerPixel(page)) === overview);
  });

  it('leaves keys typed into the region filter alone; / focuses it', async () => {
    const { page } = ui;
    const overview = await pagesPerPixel(page);
    await pressOnBody(page, '/');
    await waitFor('the filter to have the focus', async () =>
      page.evaluate(() => (globalThis as unknown as PanelGlobals).document.activeElement?.getAttribute('data-shortcut') === 'filter'),
    );
    await page.keyboard.type('was');
    assert.equal(await page.inputValue('[data-shortcut="filter"]'), 'was', 'the / reached the field, or a key was taken');
    assert.equal(await pagesPerPixel(page), overview, 'typing w or s zoomed the heatmaps');
    await page.fill('[data-shortcut="filter"]', '');
  });

  it('p pauses and resumes polling', async () => {
    const { page } = ui;
    const pause = page.locator('.polling button[aria-pressed]');
    assert.equal(await pause.getAttribute('aria-pressed'), 'false');
    await pressOnBody(page, 'p');
    await waitFor('paused', async () => (await pause.getAttribute('aria-pressed')) === 'true');
    assert.deepEqual(server.requests.filter((r) => r.channel === 'process:polling').at(-1)?.body, { paused: true });
    await pressOnBody(page, 'p');
    await waitFor('resumed', async () => (await pause.getAttribute('aria-pressed')) === 'false');
  });

  it('m opens the move dialog for the selection, u undoes the move, and the result table fits its content', async () => {
    const { page } = ui;
    await pressOnBody(page, 'm');
    assert.equal(await page.locator('[data-testid="confirm-move"]').count(), 0, 'm opened a dialog with nothing selected');
    await page.locator('tr[data-vma-start]', { hasText: 'PostgreSQL.1' }).click();
    await page.locator('[data-testid="selection-summary"]').waitFor();
    await pressOnBody(page, 'm');
    const confirm = page.locator('[data-testid="confirm-move"]');
    await waitFor('the plan', () => confirm.isEnabled());
    await page.selectOption('[data-testid="move-target"]', '1');
    await waitFor('the plan for node 1', () => confirm.isEnabled());
    await confirm.click();
    const result = page.locator('[data-testid="move-result"]');
    await result.waitFor({ timeout: 10_000 });
    const [table, section] = await Promise.all([result.locator('.result-table').boundingBox(), result.boundingBox()]);
    assert.ok(table && section);
    assert.ok(table.width < section.width * 0.7, `the result table is ${table.width} px of the ${section.width} px section`);

    await pressOnBody(page, 'u');
    await waitFor('the undo request', async () => server.requests.some((r) => r.channel === 'move:undo'));
    await page.locator('[data-testid="move-result"]', { hasText: 'Undo' }).waitFor({ timeout: 10_000 });
    const undos = server.requests.filter((r) => r.channel === 'move:undo').length;
    await pressOnBody(page, 'u');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.requests.filter((r) => r.channel === 'move:undo').length, undos, 'u undid an undo');
  });

  it('? lists the shortcuts, Escape closes the list, and t switches the theme', async () => {
    const { page, pageErrors } = ui;
    await pressOnBody(page, '?');
    const help = page.locator('[data-testid="shortcut-help"]');
    await help.waitFor({ timeout: 5000 });
    const actions = await help.locator('tr[data-action]').evaluateAll((rows) => rows.map((row) => (row as unknown as { getAttribute(n: string): string }).getAttribute('data-action')));
    // No go-to-address field on this page: `g` is left out rather than listed and dead.
    assert.deepEqual(actions, ['zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'reset', 'filter', 'move', 'undo', 'pause', 'theme', 'help']);
    // Keys inside the open list do not act on the page behind it.
    const overview = await pagesPerPixel(page);
    await page.keyboard.press('w');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await pagesPerPixel(page), overview);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached', timeout: 5000 });

    const before = await attribute(page, 'html', 'data-theme');
    await pressOnBody(page, 't');
    await waitFor('the other theme', async () => (await attribute(page, 'html', 'data-theme')) !== before);
    await pressOnBody(page, 't');
    await waitFor('the theme back', async () => (await attribute(page, 'html', 'data-theme')) === before);
    assert.deepEqual(pageErrors, []);
  });
});
