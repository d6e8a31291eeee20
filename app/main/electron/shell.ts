/**
 * The thin Electron shell: one secure window showing the renderer, the service behind IPC.
 * Everything Electron is passed in (see electron-api.ts), so tests drive it with a fake.
 *
 * Snapshots need no IPC of their own: the renderer exports with a browser download and
 * imports with a file input, which work the same in this window and in serve mode. A file
 * the desktop opens (command line, file association, File menu) is handed to that same input
 * (open-file.ts, app/common/ipc-shell.ts).
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { SHELL_OPEN_FILE_CHANNEL } from '../../common/ipc-shell.js';
import type { ServiceBackend } from '../service/index.js';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import type { Backend, BackendKind } from './backend.js';
import type { ElectronModule, ShellWindow } from './electron-api.js';
import { hardenSession, hardenWebContents } from './hardening.js';
import { forwardEvents, registerIpcHandlers } from './ipc-bridge.js';
import { applicationMenu } from './menu.js';
import { readFileForPage } from './open-file.js';
import { trustedSenderCheck } from './sender.js';
import { windowBackground } from './theme.js';

export interface ShellOptions {
  /** The service, or how to choose one once the app is ready (it may ask the user: backend.ts). */
  service: ServiceBackend | (() => Promise<Backend>);
  /** dist/renderer/index.html; its folder is what the app protocol serves. */
  rendererIndex: string;
  /** dist/preload/preload.cjs */
  preloadPath: string;
  /** Opened directly, as serve mode's &pid= does. */
  initialPid?: number | null;
  /** A snapshot file to open once the page has loaded. */
  openFile?: string | null;
}

export interface Shell {
  window: ShellWindow;
  backend: BackendKind;
  /** Reads `path` and hands it to the page, or says in a dialog why not. */
  openFile(path: string): Promise<void>;
  /** Removes the IPC handlers, stops the service. */
  close(): Promise<void>;
}

const NOT_BUILT_PAGE = `data:text/html;charset=utf-8,${encodeURIComponent(
  '<!doctype html><meta charset="utf-8"><title>numascope</title><h1>numascope</h1><p>The renderer is not built: run <code>npm run build</code> and start again.</p>',
)}`;

const ABOUT_TEXT = "See where a process's memory lives across NUMA nodes, page by page, and move it.";

const BACKEND_WORDS: Readonly<Record<BackendKind, string>> = {
  root: 'Running as root: every process can be inspected.',
  agent: 'Connected to the numascope agent (root): every process can be inspected.',
  user: 'Running as you: only your own processes can be inspected. Start the window again and accept the administrator prompt to see all of them.',
};

export async function createShell(electron: ElectronModule, options: ShellOptions): Promise<Shell> {
  const { app, BrowserWindow, ipcMain, session, protocol, dialog, Menu, nativeTheme } = electron;
  // Before ready: every renderer, whatever creates it, runs in the OS sandbox, and the
  // app's scheme is known to Chromium as a standard, secure one.
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  let closing: Promise<void> | null = null;
  let disposeIpc = (): void => {};
  let stopEvents = (): void => {};
  let service: ServiceBackend | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopEvents();
      disposeIpc();
      await service?.close();
    })();
    return closing;
  };
  app.on('window-all-closed', () => {
    void close().finally(() => app.quit());
  });

  await app.whenReady();
  const backend: Backend = typeof options.service === 'function' ? await options.service() : { service: options.service, kind: process.getuid?.() === 0 ? 'root' : 'user' };
  service = backend.service;
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(dirname(options.rendererIndex)));

  // Item by item from Electron's security checklist, written here as one literal so that
  // static checkers (electronegativity runs in npm test) can see every setting: the renderer
  // is untrusted and gets no Node, its own JavaScript world, the OS sandbox, and nothing that
  // loosens the web's rules.
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    title: 'numascope',
    // Shown once painted, so the window never flashes white.
    show: false,
    backgroundColor: windowBackground(nativeTheme.shouldUseDarkColors),
    webPreferences: {
      // The scanner flags every preload for review. Reviewed: app/preload/preload.ts exposes
      // only the typed request/subscribe API of app/common/ipc.ts, checks the channel names,
      // and never hands the page ipcRenderer or an IPC event (test/unit/electron/preload.test.ts).
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK
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
      // No middle-click "open in new window" events; new windows are refused anyway.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  disposeIpc = registerIpcHandlers(ipcMain, service, trustedSenderCheck(window));
  stopEvents = forwardEvents(service, window);
  window.on('closed', () => stopEvents());
  window.once('ready-to-show', () => window.show());

  const openFile = async (path: string): Promise<void> => {
    const read = await readFileForPage(path);
    if (!read.ok) {
      dialog.showErrorBox('numascope could not open the file', read.message);
      return;
    }
    if (!window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(SHELL_OPEN_FILE_CHANNEL, read.file);
  };
  const openSnapshot = async (): Promise<void> => {
    const chosen = await dialog.showOpenDialog({ title: 'Open snapshot or timeline', properties: ['openFile'], filters: [{ name: 'numascope snapshots and timelines', extensions: ['json', 'timeline'] }, { name: 'All files', extensions: ['*'] }] });
    const [path] = chosen.filePaths;
    if (!chosen.canceled && path !== undefined) await openFile(path);
  };
  const about = async (): Promise<void> => {
    await dialog.showMessageBox({ type: 'info', title: 'About numascope', message: `numascope ${app.getVersion()}`, detail: `${ABOUT_TEXT}\n\n${BACKEND_WORDS[backend.kind]}`, buttons: ['OK'] });
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu({ openSnapshot: () => void openSnapshot(), about: () => void about() }, app.isPackaged)));

  const initialFile = options.openFile ?? null;
  if (initialFile !== null) window.webContents.once('did-finish-load', () => void openFile(initialFile));
  if (existsSync(options.rendererIndex)) {
    const pid = options.initialPid;
    await window.loadURL(pid ? `${APP_INDEX_URL}?pid=${pid}` : APP_INDEX_URL);
  } else {
    await window.loadURL(NOT_BUILT_PAGE);
  }
  return { window, backend: backend.kind, openFile, close };
}
