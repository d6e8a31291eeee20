/**
 * The part of the `electron` module the shell uses, as narrow structural types: the real
 * module satisfies them (main.ts passes it), and a test can pass a small fake. Nothing here
 * imports electron at run time.
 */
import type { BrowserWindowConstructorOptions, CustomScheme, MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions } from 'electron';

export interface PreventableEvent {
  preventDefault(): void;
}

export interface ShellWebContents {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  /** The shell only ever denies, so the handler's answer type is just that. */
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent) => void): this;
  on(event: 'will-redirect', listener: (event: PreventableEvent) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  once(event: 'did-finish-load', listener: () => void): this;
}

export interface ShellWindow {
  readonly webContents: ShellWebContents;
  isDestroyed(): boolean;
  show(): void;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'closed', listener: () => void): this;
}

/** What ipcMain.handle passes its listener, as far as the sender check needs it. */
export interface InvokeEvent {
  /** Compared by identity with our window's webContents. */
  readonly sender: object;
  readonly senderFrame: { readonly url: string; readonly parent: object | null } | null;
}

export interface ShellIpcMain {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export type HeaderMap = Record<string, string | string[]>;

export interface ShellSession {
  setPermissionRequestHandler(handler: (webContents: object, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: object | null, permission: string) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: HeaderMap }) => void) => void,
    ): void;
  };
}

export interface ShellApp {
  /** False when run from a folder (development): the menu then offers the developer tools. */
  readonly isPackaged: boolean;
  getVersion(): string;
  exit(code?: number): void;
  enableSandbox(): void;
  whenReady(): Promise<void>;
  quit(): void;
  on(event: 'window-all-closed', listener: () => void): this;
  on(event: 'web-contents-created', listener: (event: PreventableEvent, contents: ShellWebContents) => void): this;
}

export interface ShellProtocol {
  /** Only before the app is ready. */
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  /** Only once the app is ready; on the default session. */
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

export interface ShellDialog {
  showErrorBox(title: string, content: string): void;
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface ShellMenu {
  buildFromTemplate(template: MenuItemConstructorOptions[]): object;
  setApplicationMenu(menu: object | null): void;
}

export interface ShellNativeTheme {
  readonly shouldUseDarkColors: boolean;
}

export interface ElectronModule {
  app: ShellApp;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => ShellWindow;
  ipcMain: ShellIpcMain;
  session: { readonly defaultSession: ShellSession };
  protocol: ShellProtocol;
  dialog: ShellDialog;
  Menu: ShellMenu;
  nativeTheme: ShellNativeTheme;
}
