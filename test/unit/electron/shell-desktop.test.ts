/**
 * The shell's desktop side, through the fake electron module: the application menu (no
 * developer tools when packaged), a snapshot named on the command line or picked in the File
 * menu handed to the page, a start-up failure shown in a dialog, the window's background
 * following the desktop's scheme and the page's stylesheet, and the choice of service
 * (the user's agent, the consent dialog, the in-process service).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHELL_OPEN_FILE_CHANNEL } from '../../../app/common/ipc-shell.js';
import { chooseBackend, type BackendDeps } from '../../../app/main/electron/backend.js';
import { fileFromArgv } from '../../../app/main/electron/open-file.js';
import { createShell, type ShellOptions } from '../../../app/main/electron/shell.js';
import { agentCommand, runApp } from '../../../app/main/electron/start.js';
import { WINDOW_BACKGROUND } from '../../../app/main/electron/theme.js';
import { repoRoot } from '../../helpers/target.js';
import { FakeService, fakeElectron, type FakeElectron } from './fake-electron.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-desktop-'));
mkdirSync(join(dir, 'renderer'));
const index = join(dir, 'renderer', 'index.html');
writeFileSync(index, '<!doctype html><title>numascope</title>');
const snapshot = join(dir, 'before.json');
writeFileSync(snapshot, '{"format":"numascope-placement"}');
after(() => rmSync(dir, { recursive: true, force: true }));

async function start(electron: FakeElectron, options: Partial<ShellOptions> = {}) {
  const shell = await createShell(electron, { service: new FakeService(), rendererIndex: index, preloadPath: join(dir, 'preload.cjs'), ...options });
  const window = electron.windows[0];
  assert.ok(window);
  return { shell, window };
}

/** Waits (up to 5 s) until `done` holds: the file is read asynchronously. */
async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function sentFiles(electron: FakeElectron): unknown[] {
  return (electron.windows[0]?.webContents.sent ?? []).filter((message) => message.channel === SHELL_OPEN_FILE_CHANNEL).map((message) => message.args[0]);
}

test('the menu has File (Open snapshot, Quit), View (reload, zoom, full screen) and Help (About); developer tools only unpackaged', async () => {
  const packaged = fakeElectron({ packaged: true });
  await start(packaged);
  const menu = packaged.Menu;
  assert.ok(menu.item('File', 'Open snapshot…'));
  assert.ok(menu.item('File', 'quit'));
  for (const role of ['reload', 'forceReload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']) assert.ok(menu.item('View', role), `View has no ${role}`);
  assert.ok(menu.item('Help', 'About numascope'));
  const roles = JSON.stringify(menu.application);
  assert.doesNotMatch(roles, /DevTools/i, 'a packaged build offers the developer tools');

  const development = fakeElectron({ packaged: false });
  await start(development);
  assert.ok(development.Menu.item('View', 'toggleDevTools'));
});

test('About names the version and whether every process can be seen', async () => {
  const electron = fakeElectron();
  await start(electron);
  const about = electron.Menu.item('Help', 'About numascope');
  (about?.click as () => void)();
  await until('the About box', () => electron.dialog.messageBoxes.length > 0);
  const box = electron.dialog.messageBoxes.at(-1);
  assert.equal(box?.message, 'numascope 9.8.7');
  assert.match(box?.detail ?? '', /process/);
});

test('a snapshot named on the command line goes to the page once it has loaded', async () => {
  const electron = fakeElectron();
  await start(electron, { openFile: snapshot });
  assert.deepEqual(sentFiles(electron), [], 'sent before the page could take it');
  electron.windows[0]?.webContents.finishLoad();
  await until('the file sent', () => sentFiles(electron).length > 0);
  assert.deepEqual(sentFiles(electron), [{ name: 'before.json', text: '{"format":"numascope-placement"}' }]);
});

test('File > Open snapshot… reads the chosen file; a file that cannot be read is explained in a dialog', async () => {
  const electron = fakeElectron();
  const { shell } = await start(electron);
  electron.dialog.chosenFiles.push([snapshot]);
  (electron.Menu.item('File', 'Open snapshot…')?.click as () => void)();
  await until('the chosen file sent', () => sentFiles(electron).length > 0);
  assert.equal(electron.dialog.openDialogs.length, 1);
  assert.deepEqual(electron.dialog.openDialogs[0]?.filters?.[0]?.extensions, ['json', 'timeline']);
  assert.equal(sentFiles(electron).length, 1);

  await shell.openFile(join(dir, 'missing.json'));
  await shell.openFile(dir);
  assert.deepEqual(
    electron.dialog.errors.map((error) => error.content),
    [`${join(dir, 'missing.json')}: no such file or directory`, `${dir} is not a regular file`],
  );
  assert.equal(sentFiles(electron).length, 1);
});

test('the file on the command line: after the app folder unpackaged, a file:// URL decoded, --pid values skipped', () => {
  assert.equal(fileFromArgv(['/usr/bin/electron', '/repo', 'a.json'], false), 'a.json');
  assert.equal(fileFromArgv(['/opt/numascope/numascope', '/tmp/b.json'], true), '/tmp/b.json');
  assert.equal(fileFromArgv(['/opt/numascope/numascope', '--pid', '42', 'file:///tmp/with%20space.json'], true), '/tmp/with space.json');
  assert.equal(fileFromArgv(['/opt/numascope/numascope', '--no-sandbox'], true), null);
  assert.equal(fileFromArgv(['/usr/bin/electron', '/repo'], false), null);
});

test('a failure while starting is shown in a dialog and the app exits with status 1', async () => {
  const electron = fakeElectron();
  electron.app.whenReady = async () => {
    throw new Error('GPU process crashed');
  };
  const shell = await runApp(electron, ['electron', '.']);
  assert.equal(shell, null);
  assert.equal(electron.dialog.errors[0]?.title, 'numascope could not start');
  assert.match(electron.dialog.errors[0]?.content ?? '', /GPU process crashed/);
  assert.equal(electron.app.exitCode, 1);
});

test("the window's background follows the desktop's scheme and matches the page's stylesheet", async () => {
  const light = fakeElectron({ dark: false });
  await start(light);
  assert.equal(light.windows[0]?.options.backgroundColor, WINDOW_BACKGROUND.light);
  const dark = fakeElectron({ dark: true });
  await start(dark);
  assert.equal(dark.windows[0]?.options.backgroundColor, WINDOW_BACKGROUND.dark);

  const css = readFileSync(join(repoRoot, 'app', 'renderer', 'styles.css'), 'utf8');
  // The page's background is var(--bg), one colour per scheme: --bg: light-dark(LIGHT, DARK).
  assert.match(css, /:root\s*\{[^}]*?\bbackground:\s*var\(--bg\);/);
  const bg = /--bg:\s*light-dark\(\s*(#[0-9a-fA-F]{6})\s*,\s*(#[0-9a-fA-F]{6})\s*\)/.exec(css);
  assert.deepEqual([bg?.[1]?.toLowerCase(), bg?.[2]?.toLowerCase()], [WINDOW_BACKGROUND.light, WINDOW_BACKGROUND.dark]);
});

function backendDeps(overrides: Partial<BackendDeps>): BackendDeps & { asked: number; launched: number; warnings: string[] } {
  const state = { asked: 0, launched: 0, warnings: [] as string[] };
  const deps: BackendDeps = {
    uid: 65534,
    socketPath: join(dir, 'no-agent', 'agent.sock'),
    local: () => new FakeService(),
    askConsent: async () => {
      state.asked++;
      return false;
    },
    launch: async () => {
      state.launched++;
    },
    warn: (message) => state.warnings.push(message),
    onAgentGone: () => {},
    ...overrides,
  };
  return Object.assign(state, deps);
}

test('as root the window uses the in-process service and asks nothing', async () => {
  const deps = backendDeps({ uid: 0 });
  assert.equal((await chooseBackend(deps)).kind, 'root');
  assert.equal(deps.asked, 0);
});

test('without an agent the user is asked; declining keeps the in-process service, accepting starts the agent', async () => {
  const declined = backendDeps({});
  assert.equal((await chooseBackend(declined)).kind, 'user');
  assert.deepEqual([declined.asked, declined.launched], [1, 0]);

  const failing = backendDeps({
    askConsent: async () => true,
    launch: async () => {
      throw new Error('the authentication was cancelled');
    },
  });
  assert.equal((await chooseBackend(failing)).kind, 'user');
  assert.match(failing.warnings[0] ?? '', /the authentication was cancelled/);
});

test('the agent command: the packaged wrapper the polkit policy names, or Node and the CLI from a folder', () => {
  assert.deepEqual(agentCommand(true, {}, '/opt/numascope/resources'), ['/opt/numascope/resources/numascope-agent']);
  const [node, script, command] = agentCommand(false, { NUMASCOPE_NODE: '/usr/local/bin/node' });
  assert.equal(node, '/usr/local/bin/node');
  assert.equal(script, join(repoRoot, 'bin', 'numascope.js'));
  assert.equal(command, 'agent');
});
