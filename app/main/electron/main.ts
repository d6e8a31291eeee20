// The Electron main entry (package.json "main"): the only file that imports electron itself.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, session } from 'electron';
import { runApp } from './start.js';

await runApp({ app, BrowserWindow, ipcMain, session, protocol, dialog, Menu, nativeTheme });
