/**
 * The Electron window's CSP, in force in the built page. The binary cannot run here, so
 * Chromium loads dist/renderer through a loopback bridge to the window's real app protocol
 * handler (app/main/electron/app-protocol.ts): every response, its status, headers and body,
 * is exactly what the handler returns for numascope://app/<path>. The app must still start
 * and draw (its script, styles and canvas under the policy), while an injected inline script
 * and a connection to another server are refused. The same probes on the page from file://,
 * the way the window used to load it, run unhindered: that is what the protocol fixes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { encodeSnapshot, serializeSnapshot } from '../../app/common/snapshot/codec.js';
import { APP_ORIGIN, createAppProtocolHandler } from '../../app/main/electron/app-protocol.js';
import { WINDOW_CONTENT_SECURITY_POLICY } from '../../app/main/electron/content-security-policy.js';
import { repoRoot } from '../helpers/target.js';
import { launchChromium, noChromium, waitForInk } from './browser.js';
import { fakePlacement, fakeTopology } from './fake-server.js';
import { waitFor } from './serve.js';

const RENDERER = join(repoRoot, 'dist', 'renderer');
const PANEL = '[data-node-panel="0"]';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** Serves each request with the app protocol handler's answer for the same path. */
function appProtocolBridge(): Server {
  const handle = createAppProtocolHandler(RENDERER);
  return createServer((request, response) => {
    void (async () => {
      const answer = await handle(new Request(`${APP_ORIGIN}${request.url ?? '/'}`, { method: request.method ?? 'GET' }));
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    })().catch(() => response.destroy());
  });
}

interface PageGlobals {
  document: {
    createElement(tag: 'script'): { textContent: string };
    head: { append(node: unknown): void };
  };
  injected?: boolean;
}

/** Adds an inline <script> the way an injection would; whether it ran. */
async function inlineScriptRuns(page: Page): Promise<boolean> {
  await page.evaluate(() => {
    const globals = globalThis as unknown as PageGlobals;
    const script = globals.document.createElement('script');
    script.textContent = 'globalThis.injected = true;';
    globals.document.head.append(script);
  });
  return page.evaluate(() => (globalThis as unknown as PageGlobals).injected === true);
}

/** Whether the page can fetch `url`; also true when the answer is merely unreadable (no-cors). */
function connects(page: Page, url: string): Promise<boolean> {
  return page.evaluate((target: string) => fetch(target, { mode: 'no-cors' }).then(
    () => true,
    () => false,
  ), url);
}

describe("the Electron window's CSP in the built page", { skip: noChromium || (existsSync(join(RENDERER, 'index.html')) ? false : 'dist/renderer is not built'), timeout: 120_000 }, () => {
  let bridge: Server;
  let remote: Server;
  let appUrl: string;
  let remoteUrl: string;
  let remoteHits = 0;
  let browser: Browser;
  let work: string;
  let snapshotFile: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'numascope-window-csp-'));
    snapshotFile = join(work, 'snapshot.json');
    const identity = { pid: 4242, comm: 'fakedb', cmdline: ['fakedb'], startTime: 1 };
    writeFileSync(snapshotFile, serializeSnapshot(encodeSnapshot({ placement: fakePlacement(identity), topology: fakeTopology() })));
    bridge = appProtocolBridge();
    appUrl = await listen(bridge);
    remote = createServer((_request, response) => {
      remoteHits++;
      response.writeHead(200, { 'Access-Control-Allow-Origin': '*' });
      response.end('reached');
    });
    remoteUrl = await listen(remote);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await close(bridge);
    await close(remote);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the page comes with the policy, the app draws, and injected script and remote connections are refused', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const pageErrors: string[] = [];
    const violations: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/.test(message.text())) violations.push(message.text());
    });

    const response = await page.goto(`${appUrl}/index.html`);
    assert.equal(response?.status(), 200);
    assert.equal(response?.headers()['content-security-policy'], WINDOW_CONTENT_SECURITY_POLICY);

    // The app itself runs and draws under the policy: script, styles, canvas.
    await page.locator('text=Offline viewer').waitFor({ timeout: 15_000 });
    await page.setInputFiles('[data-testid="open-snapshot"]', snapshotFile);
    await page.waitForSelector(PANEL, { timeout: 15_000 });
    const ink = await waitForInk(page, PANEL, 'node 0 canvas pixels');
    assert.ok(ink.colours > 1, 'a flat canvas is not a drawing');
    const styled = await page.evaluate(() => (globalThis as unknown as { document: { styleSheets: { length: number } } }).document.styleSheets.length);
    assert.ok(styled > 0, 'styles.css was not applied');
    // (a length check: deepEqual would narrow the array's type to never[] for what follows)
    assert.equal(violations.length, 0, `the app itself must not need anything the policy refuses:\n${violations.join('\n')}`);

    assert.equal(await inlineScriptRuns(page), false, 'an injected inline script ran');
    assert.equal(await connects(page, `${remoteUrl}/exfiltrate`), false, 'the page reached another server');
    assert.equal(await connects(page, `${appUrl}/index.html`), false, 'the page may not connect even to its own origin');
    assert.equal(remoteHits, 0);
    await waitFor('the violation reports', async () => violations.length >= 3 || undefined);
    assert.ok(violations.some((text) => /inline script/i.test(text) && /script-src/.test(text)), violations.join('\n'));
    assert.ok(violations.some((text) => text.includes(remoteUrl) && /connect-src/.test(text)), violations.join('\n'));
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('the same probes succeed on the page from file://, which has no policy at all', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(RENDERER, 'index.html')).href);
    await page.locator('text=Offline viewer').waitFor({ timeout: 15_000 });
    assert.equal(await inlineScriptRuns(page), true);
    const before = remoteHits;
    assert.equal(await connects(page, `${remoteUrl}/exfiltrate`), true);
    assert.equal(remoteHits, before + 1);
    await page.close();
  });
});
