/** The Electron shell, driven through a fake electron module: secure settings, refusals, sender checks, IPC to the service. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REQUEST_CHANNELS } from '../../../app/common/ipc.js';
import { APP_INDEX_URL, APP_SCHEME } from '../../../app/main/electron/app-protocol.js';
import { WINDOW_CONTENT_SECURITY_POLICY } from '../../../app/main/electron/content-security-policy.js';
import type { InvokeEvent } from '../../../app/main/electron/electron-api.js';
import { createShell, type Shell } from '../../../app/main/electron/shell.js';
import { pidFromArgv } from '../../../app/main/electron/start.js';
import { FakeService, FakeWebContents, fakeElectron, type FakeElectron, type FakeWindow } from './fake-electron.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-shell-'));
mkdirSync(join(dir, 'renderer'));
const index = join(dir, 'renderer', 'index.html');
writeFileSync(index, '<!doctype html><title>numascope</title>');
writeFileSync(join(dir, 'renderer', 'app.js'), 'void 0;');
// Beside the renderer folder: what a path traversal would be after.
writeFileSync(join(dir, 'secret.txt'), 'not for the page');
writeFileSync(join(dir, 'renderer', 'notes.md'), 'a file type the page never needs');
mkdirSync(join(dir, 'renderer', 'folder.js'));
const preload = join(dir, 'preload', 'preload.cjs');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  electron: FakeElectron;
  service: FakeService;
  shell: Shell;
  window: FakeWindow;
}

async function start(options: { rendererIndex?: string; initialPid?: number | null } = {}): Promise<Started> {
  const electron = fakeElectron();
  const service = new FakeService();
  const shell = await createShell(electron, { service, rendererIndex: options.rendererIndex ?? index, preloadPath: preload, initialPid: options.initialPid ?? null });
  const window = electron.windows[0];
  assert.ok(window, 'the shell opened no window');
  assert.equal(electron.windows.length, 1);
  return { electron, service, shell, window };
}

/** What Electron passes a handler for a message from our page (or, with overrides, from elsewhere). */
function eventFrom(window: FakeWindow, overrides: Partial<{ sender: object; url: string; parent: object | null; noFrame: boolean }> = {}): InvokeEvent {
  return {
    sender: overrides.sender ?? window.webContents,
    senderFrame: overrides.noFrame ? null : { url: overrides.url ?? `${APP_INDEX_URL}?pid=42`, parent: overrides.parent ?? null },
  };
}

test('the window is created with the secure settings and the preload, and shown when painted', async () => {
  const { window } = await start();
  assert.deepEqual(window.options.webPreferences, {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    disableBlinkFeatures: 'Auxclick',
  });
  assert.equal(window.options.show, false);
  assert.equal(window.shown, false);
  window.readyToShow();
  assert.equal(window.shown, true);
});

test('the sandbox is enabled for every renderer before the app is ready', async () => {
  const { electron } = await start();
  assert.deepEqual(electron.app.log, ['enableSandbox', 'ready']);
});

test('navigation, redirects, <webview> and new windows are refused, in every webContents', async () => {
  const { electron, window } = await start();
  const other = new FakeWebContents();
  electron.app.contentsCreated(other);
  for (const contents of [window.webContents, other]) {
    assert.equal(contents.fire('will-navigate'), true);
    assert.equal(contents.fire('will-redirect'), true);
    assert.equal(contents.fire('will-attach-webview'), true);
    assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://example.com/' }), { action: 'deny' });
  }
});

test('every permission request and check is refused', async () => {
  const { electron, window } = await start();
  const session = electron.session.defaultSession;
  for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'unknown']) {
    let answer: boolean | null = null;
    session.requestHandler?.(window.webContents, permission, (granted) => (answer = granted));
    assert.equal(answer, false, permission);
    assert.equal(session.checkHandler?.(window.webContents, permission), false, permission);
  }
});

test('responses get the CSP header, keeping their other headers', async () => {
  const { electron } = await start();
  let headers: Record<string, string | string[]> | undefined;
  electron.session.defaultSession.headersListener?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (response) => (headers = response.responseHeaders));
  assert.deepEqual(headers, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [WINDOW_CONTENT_SECURITY_POLICY], 'X-Content-Type-Options': ['nosniff'] });
});

test('the window policy stands on its own: no inline script, no eval, no connections, no frames', () => {
  const directives = new Map(WINDOW_CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
  assert.equal(directives.get('default-src'), "'none'");
  assert.equal(directives.get('script-src'), "'self'");
  assert.equal(directives.get('connect-src'), "'none'");
  assert.equal(directives.get('object-src'), "'none'");
  assert.equal(directives.get('base-uri'), "'none'");
  assert.equal(directives.get('frame-ancestors'), "'none'");
  assert.doesNotMatch(WINDOW_CONTENT_SECURITY_POLICY, /unsafe-eval|script-src[^;]*unsafe-inline|\*/);
});

test('the renderer is loaded through the app protocol, with the initial pid as query', async () => {
  const plain = await start();
  assert.deepEqual(plain.window.loaded, { url: 'numascope://app/index.html' });
  const withPid = await start({ initialPid: 4321 });
  assert.deepEqual(withPid.window.loaded, { url: 'numascope://app/index.html?pid=4321' });
});

test('the app scheme is registered as standard and secure before ready, without a CSP bypass', async () => {
  const { electron } = await start();
  assert.deepEqual(
    electron.protocol.privileged.map((p) => ({ afterReady: p.afterReady, schemes: p.schemes.map((s) => s.scheme), bypassCSP: p.schemes.map((s) => s.privileges?.bypassCSP ?? false) })),
    [{ afterReady: false, schemes: [APP_SCHEME], bypassCSP: [false] }],
  );
  const privileges = electron.protocol.privileged[0]?.schemes[0]?.privileges;
  assert.equal(privileges?.standard, true);
  assert.equal(privileges?.secure, true);
  assert.equal(privileges?.corsEnabled, false);
  assert.equal(privileges?.allowServiceWorkers, false);
  assert.deepEqual([...electron.protocol.handlers.keys()], [APP_SCHEME]);
});

test('the app protocol serves the renderer files with the window CSP and their type', async () => {
  const { electron } = await start();
  for (const url of ['numascope://app/index.html', 'numascope://app/', 'numascope://app/index.html?pid=42']) {
    const response = await electron.protocol.fetch(url);
    assert.equal(response.status, 200, url);
    assert.equal(response.headers.get('content-security-policy'), WINDOW_CONTENT_SECURITY_POLICY, url);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8', url);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', url);
    assert.equal(await response.text(), '<!doctype html><title>numascope</title>', url);
  }
  const script = await electron.protocol.fetch('numascope://app/app.js');
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(script.headers.get('content-security-policy'), WINDOW_CONTENT_SECURITY_POLICY);
});

test('the app protocol refuses path traversal, unknown hosts, other methods and unknown file types', async () => {
  const { electron } = await start();
  const refused: [string, string, number][] = [
    ['encoded dot-dot', 'numascope://app/%2e%2e/secret.txt', 404],
    ['encoded slash', 'numascope://app/..%2fsecret.txt', 400],
    ['encoded dot-dot and slash', 'numascope://app/%2e%2e%2fsecret.txt', 400],
    ['encoded backslash', 'numascope://app/..%5csecret.txt', 400],
    ['encoded NUL', 'numascope://app/index.html%00.js', 400],
    ['malformed escape', 'numascope://app/%E0%A4%A', 400],
    ['absolute path in a segment', `numascope://app/${encodeURIComponent(join(dir, 'secret.txt'))}`, 400],
    ['another host', 'numascope://evil/index.html', 404],
    ['no host', 'numascope:///index.html', 404],
    ['a host that only starts like ours', 'numascope://app.evil/index.html', 404],
    ['a file type the page never loads', 'numascope://app/notes.md', 404],
    ['a missing file', 'numascope://app/missing.js', 404],
    ['a folder', 'numascope://app/folder.js', 404],
    ['dot segments that climb above the root', 'numascope://app/../../secret.txt', 404],
  ];
  for (const [what, url, status] of refused) {
    const response = await electron.protocol.fetch(url);
    assert.equal(response.status, status, what);
    const body = await response.text();
    assert.doesNotMatch(body, /not for the page|a file type/, what);
    assert.equal(response.headers.get('content-security-policy'), WINDOW_CONTENT_SECURITY_POLICY, what);
  }
  const post = await electron.protocol.fetch('numascope://app/index.html', { method: 'POST' });
  assert.equal(post.status, 405);
});

test('without a built renderer the window says so instead of loading nothing', async () => {
  const { window } = await start({ rendererIndex: join(dir, 'missing', 'index.html') });
  assert.match(window.loaded?.url ?? '', /^data:text\/html;charset=utf-8,.*renderer%20is%20not%20built/);
});

test('there is one handler per request channel, and nothing else', async () => {
  const { electron } = await start();
  assert.deepEqual([...electron.ipcMain.handlers.keys()].sort(), [...REQUEST_CHANNELS].sort());
});

test('a valid request from our page reaches the service, validated, and its result comes back', async () => {
  const { electron, service, window } = await start();
  const request = { pid: 42, startTime: 7, ranges: [{ start: '0x1000', end: '0x3000' }], toNode: 0, moveAll: false };
  assert.deepEqual(await electron.ipcMain.invoke('move:plan', eventFrom(window), request), { ok: true, value: { echo: request } });
  assert.deepEqual(await electron.ipcMain.invoke('system:topology', eventFrom(window), null), { ok: true, value: { echo: null } });
  assert.deepEqual(service.calls, [
    { channel: 'move:plan', request },
    { channel: 'system:topology', request: null },
  ]);
  // The service gets the validator's copy, not the object the renderer sent.
  assert.notEqual(service.calls[0]?.request, request);
});

test('requests from anywhere but our page main frame are refused before the service sees them', async () => {
  const { electron, service, window } = await start();
  const forbidden = { ok: false, error: { code: 'FORBIDDEN', message: 'request refused: it does not come from the numascope window' } };
  const strangers: [string, InvokeEvent][] = [
    ['another webContents', eventFrom(window, { sender: new FakeWebContents() })],
    ['a subframe', eventFrom(window, { parent: {} })],
    ['a web page', eventFrom(window, { url: 'https://evil.example/index.html' })],
    ['another local file', eventFrom(window, { url: pathToFileURL(join(dir, 'other.html')).href })],
    ['a data: URL', eventFrom(window, { url: 'data:text/html,hi' })],
    ['no frame (already gone)', eventFrom(window, { noFrame: true })],
    ['a malformed URL', eventFrom(window, { url: 'not a url' })],
    ['the renderer file over file://', eventFrom(window, { url: `${pathToFileURL(index).href}?pid=42` })],
    ['another host of the app scheme', eventFrom(window, { url: 'numascope://evil/index.html' })],
    ['another page of the app', eventFrom(window, { url: 'numascope://app/other.html' })],
  ];
  for (const [who, event] of strangers) assert.deepEqual(await electron.ipcMain.invoke('process:list', event, null), forbidden, who);
  window.close();
  assert.deepEqual(await electron.ipcMain.invoke('process:list', eventFrom(window), null), forbidden, 'a closed window');
  assert.deepEqual(service.calls, []);
});

test('invalid requests are refused with INVALID_REQUEST before the service sees them', async () => {
  const { electron, service, window } = await start();
  assert.deepEqual(await electron.ipcMain.invoke('process:watch', eventFrom(window), { pid: -1, intervalMs: 1000 }), {
    ok: false,
    error: { code: 'INVALID_REQUEST', message: 'process:watch: request.pid must be an integer from 1 to 4194304, got number -1' },
  });
  assert.deepEqual(await electron.ipcMain.invoke('move:cancel', eventFrom(window), { moveId: 'a', extra: 1 }), {
    ok: false,
    error: { code: 'INVALID_REQUEST', message: 'move:cancel: request has an unknown key "extra" (allowed: moveId)' },
  });
  assert.deepEqual(await electron.ipcMain.invoke('process:list', eventFrom(window)), {
    ok: false,
    error: { code: 'INVALID_REQUEST', message: 'process:list: expected exactly one request argument, got 0' },
  });
  assert.deepEqual(await electron.ipcMain.invoke('process:list', eventFrom(window), null, 'more'), {
    ok: false,
    error: { code: 'INVALID_REQUEST', message: 'process:list: expected exactly one request argument, got 2' },
  });
  assert.deepEqual(service.calls, []);
});

test('service events are forwarded to the window, and no longer once it is closed', async () => {
  const { service, window } = await start();
  service.emit({ channel: 'placement:progress', payload: { pid: 1, done: 5, total: 10 } });
  service.emit({ channel: 'placement:error', payload: { pid: 1, code: 'ESRCH', message: 'gone' } });
  assert.deepEqual(window.webContents.sent, [
    { channel: 'placement:progress', args: [{ pid: 1, done: 5, total: 10 }] },
    { channel: 'placement:error', args: [{ pid: 1, code: 'ESRCH', message: 'gone' }] },
  ]);
  window.close();
  assert.equal(service.subscribers, 0);
  service.emit({ channel: 'placement:progress', payload: { pid: 1, done: 10, total: 10 } });
  assert.equal(window.webContents.sent.length, 2);
});

test('the signal of a request fires when the window that asked goes away, and not before', async () => {
  const { electron, service, window } = await start();
  let release: () => void = () => {};
  service.hold = new Promise<void>((resolve) => (release = resolve));
  const request = { pid: 42, startTime: 7, ranges: [{ start: '0x1000', end: '0x3000' }], toNode: 0, moveAll: false };
  const answer = electron.ipcMain.invoke('move:plan', eventFrom(window), request);
  await new Promise<void>((resolve) => setImmediate(resolve));
  const [signal] = service.signals;
  assert.ok(signal, 'the service got a signal');
  assert.equal(signal.aborted, false);
  window.webContents.destroy();
  assert.equal(signal.aborted, true);
  release();
  await answer;
  // A finished request leaves no listener behind on the window.
  service.hold = null;
  const other = await start();
  await other.electron.ipcMain.invoke('system:topology', eventFrom(other.window), null);
  assert.equal(other.window.webContents.goneListenerCount, 0);
  assert.equal(other.service.signals[0]?.aborted, false);
});

test('closing the last window removes the handlers, stops the service and quits', async () => {
  const { electron, service } = await start();
  electron.app.allWindowsClosed();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(service.closed, 1);
  assert.equal(electron.app.quitCalls, 1);
  assert.equal(electron.ipcMain.handlers.size, 0);
});

test('--pid on the Electron command line opens that process', () => {
  assert.equal(pidFromArgv(['/usr/bin/electron', '/repo', '--pid', '1234']), 1234);
  assert.equal(pidFromArgv(['numascope', '--pid=77']), 77);
  assert.equal(pidFromArgv(['electron', '.']), null);
  assert.equal(pidFromArgv(['electron', '.', '--pid', 'abc']), null);
  assert.equal(pidFromArgv(['electron', '.', '--pid', '0']), null);
});
