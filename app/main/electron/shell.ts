/**
 * The thin Electron shell: one secure window showing the renderer, the service behind IPC.
 * Everything Electron is passed in (see electron-api.ts), so tests drive it with a fake.
 *
 * Snapshots need no IPC of their own: the renderer exports with a browser download and
 * imports with a file input, which work the same in this window and in serve mode.
 */
import { existsSync } from 'node:fs';
import type { ServiceBackend } from '../service/index.js';
import type { ElectronModule, ShellWindow } from './electron-api.js';
import { hardenSession, hardenWebContents } from './hardening.js';
import { forwardEvents, registerIpcHandlers } from './ipc-bridge.js';
import { trustedSenderCheck } from './sender.js';
import { secureWindowOptions } from './window-options.js';

export interface ShellOptions {
  service: ServiceBackend;
  /** dist/renderer/index.html */
  rendererIndex: string;
  /** dist/preload/preload.cjs */
  preloadPath: string;
  /** Opened directly, as serve mode's &pid= does. */
  initialPid?: number | null;
}

export interface Shell {
  window: ShellWindow;
  /** Removes the IPC handlers, stops the service. */
  close(): Promise<void>;
}

const NOT_BUILT_PAGE = `data:text/html;charset=utf-8,${encodeURIComponent(
  '<!doctype html><meta charset="utf-8"><title>numascope</title><h1>numascope</h1><p>The renderer is not built: run <code>npm run build</code> and start again.</p>',
)}`;

export async function createShell(electron: ElectronModule, options: ShellOptions): Promise<Shell> {
  const { app, BrowserWindow, ipcMain, session } = electron;
  const { service } = options;
  // Before ready: every renderer, whatever creates it, runs in the OS sandbox.
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  let closing: Promise<void> | null = null;
  let disposeIpc = (): void => {};
  let stopEvents = (): void => {};
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopEvents();
      disposeIpc();
      await service.close();
    })();
    return closing;
  };
  app.on('window-all-closed', () => {
    void close().finally(() => app.quit());
  });

  await app.whenReady();
  hardenSession(session.defaultSession);

  const window = new BrowserWindow(secureWindowOptions(options.preloadPath));
  disposeIpc = registerIpcHandlers(ipcMain, service, trustedSenderCheck(window, options.rendererIndex));
  stopEvents = forwardEvents(service, window);
  window.on('closed', () => stopEvents());
  window.once('ready-to-show', () => window.show());

  if (existsSync(options.rendererIndex)) {
    const pid = options.initialPid;
    await window.loadFile(options.rendererIndex, pid ? { query: { pid: String(pid) } } : {});
  } else {
    await window.loadURL(NOT_BUILT_PAGE);
  }
  return { window, close };
}
