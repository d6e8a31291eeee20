// The Electron main entry (package.json "main"): the only file that imports electron itself.
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { startApp } from './start.js';

await startApp({ app, BrowserWindow, ipcMain, session, protocol });
