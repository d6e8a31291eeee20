/**
 * A file the desktop opened, as the window's preload hands it to the page
 * (app/preload/open-file.ts): into the page's own "Open snapshot" input, in Chromium, on the
 * built renderer. The page must show the snapshot just as when the user picks the file, and
 * explain a bad one the same way. The function is bundled from its source and run in the page
 * (the Electron binary, and so the real preload world, is not available here).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { encodeSnapshot, serializeSnapshot } from '../../app/common/snapshot/codec.js';
import { repoRoot } from '../helpers/target.js';
import { launchChromium, noChromium, waitForInk } from './browser.js';
import { fakePlacement, fakeTopology } from './fake-server.js';

const RENDERER = join(repoRoot, 'dist', 'renderer');
const PANEL = '[data-node-panel="0"]';

async function bundledHandOpenFile(): Promise<string> {
  const result = await build({
    entryPoints: [join(repoRoot, 'app', 'preload', 'open-file.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'numascopeOpenFile',
    platform: 'browser',
    logLevel: 'warning',
  });
  return result.outputFiles[0]?.text ?? '';
}

interface OpenFileGlobal {
  numascopeOpenFile: { handOpenFile(value: unknown): void };
}

async function handToPage(page: Page, source: string, file: { name: string; text: string }): Promise<void> {
  await page.evaluate(`${source}\nglobalThis.numascopeOpenFile = numascopeOpenFile;`);
  await page.evaluate((value) => (globalThis as unknown as OpenFileGlobal).numascopeOpenFile.handOpenFile(value), file);
}

describe('a file opened from the desktop reaches the page through its Open input', { skip: noChromium || (existsSync(join(RENDERER, 'index.html')) ? false : 'dist/renderer is not built'), timeout: 120_000 }, () => {
  let browser: Browser;
  let source: string;

  before(async () => {
    browser = await launchChromium();
    source = await bundledHandOpenFile();
  });
  after(async () => {
    await browser?.close();
  });

  it('draws the snapshot, and says why a bad file cannot be opened', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(join(RENDERER, 'index.html')).href);
    const identity = { pid: 4242, comm: 'fakedb', cmdline: ['fakedb'], startTime: 1 };
    const text = serializeSnapshot(encodeSnapshot({ placement: fakePlacement(identity), topology: fakeTopology() }));
    await handToPage(page, source, { name: 'before.numascope.json', text });
    await page.waitForSelector(PANEL, { timeout: 15_000 });
    assert.ok((await waitForInk(page, PANEL, 'node 0 canvas pixels')).inked > 0);

    await handToPage(page, source, { name: 'bad.json', text: '{"format": "numascope-snapshot",' });
    const notice = page.locator('[data-testid="notice"] span');
    await notice.waitFor();
    assert.match(await notice.innerText(), /^Cannot open bad\.json: /);
    assert.deepEqual(pageErrors, []);
  });
});
