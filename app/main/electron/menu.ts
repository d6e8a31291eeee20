/**
 * The application menu. Electron's default menu offers the developer tools to anyone;
 * this one does only when the app runs from a folder (development), never packaged.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openSnapshot(): void;
  about(): void;
}

export function applicationMenu(actions: MenuActions, packaged: boolean): MenuItemConstructorOptions[] {
  const developer: MenuItemConstructorOptions[] = packaged ? [] : [{ role: 'toggleDevTools' }];
  return [
    {
      label: '&File',
      submenu: [{ label: 'Open snapshot…', accelerator: 'CmdOrCtrl+O', click: () => actions.openSnapshot() }, { type: 'separator' }, { role: 'quit' }],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        ...developer,
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Help', submenu: [{ label: 'About numascope', click: () => actions.about() }] },
  ];
}
