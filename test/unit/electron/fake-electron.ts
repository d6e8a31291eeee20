/**
 * A small stand-in for the electron module (the shape of app/main/electron/electron-api.ts)
 * that records what the shell does and lets a test play the part of Electron: fire events,
 * invoke IPC handlers, answer permission requests.
 */
import type { BrowserWindowConstructorOptions, CustomScheme, MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions } from 'electron';
import type { PlacementUpdate, RequestChannel, RequestOf, ResponseOf, Result } from '../../../app/common/ipc.js';
import type {
  ElectronModule,
  HeaderMap,
  InvokeEvent,
  PreventableEvent,
  ShellApp,
  ShellDialog,
  ShellIpcMain,
  ShellMenu,
  ShellNativeTheme,
  ShellProtocol,
  ShellSession,
  ShellWebContents,
  ShellWindow,
} from '../../../app/main/electron/electron-api.js';
import type { ServiceBackend, ServiceEvent, ServiceListener } from '../../../app/main/service/index.js';

type ContentsEvent = 'will-navigate' | 'will-redirect' | 'will-attach-webview';

export class FakeEvent implements PreventableEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

export class FakeWebContents implements ShellWebContents {
  destroyed = false;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  private readonly listeners = new Map<ContentsEvent, ((event: PreventableEvent) => void)[]>();

  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  on(event: ContentsEvent, listener: (event: PreventableEvent) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  private readonly goneListeners = new Set<() => void>();
  private readonly loadedListeners: (() => void)[] = [];
  once(event: 'destroyed' | 'did-finish-load', listener: () => void): this {
    if (event === 'did-finish-load') this.loadedListeners.push(listener);
    else this.goneListeners.add(listener);
    return this;
  }
  /** The page finished loading. */
  finishLoad(): void {
    for (const listener of this.loadedListeners.splice(0)) listener();
  }
  removeListener(_event: 'destroyed', listener: () => void): this {
    this.goneListeners.delete(listener);
    return this;
  }
  /** The page's contents go away, as when its window closes. */
  destroy(): void {
    this.destroyed = true;
    const listeners = [...this.goneListeners];
    this.goneListeners.clear();
    for (const listener of listeners) listener();
  }
  get goneListenerCount(): number {
    return this.goneListeners.size;
  }
  /** Fires `name` as Electron would; returns whether some listener prevented it. */
  fire(name: ContentsEvent): boolean {
    const event = new FakeEvent();
    for (const listener of this.listeners.get(name) ?? []) listener(event);
    return event.prevented;
  }
}

export class FakeSession implements ShellSession {
  requestHandler: ((webContents: object, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  checkHandler: ((webContents: object | null, permission: string) => boolean) | null = null;
  headersListener:
    | ((details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: HeaderMap }) => void) => void)
    | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>): void => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: NonNullable<FakeSession['requestHandler']>): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: NonNullable<FakeSession['checkHandler']>): void {
    this.checkHandler = handler;
  }
}

export class FakeIpcMain implements ShellIpcMain {
  readonly handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  }
}

export class FakeProtocol implements ShellProtocol {
  /** Each registration, with whether the app was ready by then (Electron insists on before). */
  readonly privileged: { schemes: CustomScheme[]; afterReady: boolean }[] = [];
  readonly handlers = new Map<string, (request: Request) => Promise<Response>>();

  constructor(private readonly app: FakeApp) {}

  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    this.privileged.push({ schemes, afterReady: this.app.log.includes('ready') });
  }
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    if (!this.app.log.includes('ready')) throw new Error('protocol.handle before the app is ready');
    if (this.handlers.has(scheme)) throw new Error(`second handler for ${scheme}:`);
    this.handlers.set(scheme, handler);
  }
  /** What the window's page would get for `url`. */
  fetch(url: string, init?: { method?: string }): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) throw new Error(`no handler for ${url}`);
    return handler(new Request(url, init));
  }
}

export interface FakeElectron extends ElectronModule {
  app: FakeApp;
  ipcMain: FakeIpcMain;
  session: { defaultSession: FakeSession };
  protocol: FakeProtocol;
  dialog: FakeDialog;
  Menu: FakeMenu;
  nativeTheme: ShellNativeTheme;
  windows: FakeWindow[];
}

/** Records every dialog; message boxes and file pickers answer what the test queued (default: the first button, cancelled). */
export class FakeDialog implements ShellDialog {
  readonly errors: { title: string; content: string }[] = [];
  readonly messageBoxes: MessageBoxOptions[] = [];
  readonly openDialogs: OpenDialogOptions[] = [];
  readonly responses: number[] = [];
  readonly chosenFiles: string[][] = [];
  showErrorBox(title: string, content: string): void {
    this.errors.push({ title, content });
  }
  async showMessageBox(options: MessageBoxOptions): Promise<{ response: number }> {
    this.messageBoxes.push(options);
    return { response: this.responses.shift() ?? 0 };
  }
  async showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.openDialogs.push(options);
    const files = this.chosenFiles.shift();
    return files ? { canceled: false, filePaths: files } : { canceled: true, filePaths: [] };
  }
}

export class FakeMenu implements ShellMenu {
  application: MenuItemConstructorOptions[] | null = null;
  buildFromTemplate(template: MenuItemConstructorOptions[]): object {
    return { template };
  }
  setApplicationMenu(menu: object | null): void {
    this.application = menu === null ? null : (menu as { template: MenuItemConstructorOptions[] }).template;
  }
  /** The item labelled `label` (or with role `label`) in the top-level menu `top`. */
  item(top: string, label: string): MenuItemConstructorOptions | undefined {
    const menu = this.application?.find((entry) => entry.label?.replace('&', '') === top);
    const items = (menu?.submenu ?? []) as MenuItemConstructorOptions[];
    return items.find((entry) => entry.label === label || entry.role === label);
  }
}

export class FakeApp implements ShellApp {
  /** What happened, in order: tells whether the sandbox was enabled before ready. */
  readonly log: string[] = [];
  quitCalls = 0;
  isPackaged = false;
  exitCode: number | null = null;
  getVersion(): string {
    return '9.8.7';
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  private readonly allClosed: (() => void)[] = [];
  private readonly created: ((event: PreventableEvent, contents: ShellWebContents) => void)[] = [];

  enableSandbox(): void {
    this.log.push('enableSandbox');
  }
  async whenReady(): Promise<void> {
    this.log.push('ready');
  }
  quit(): void {
    this.quitCalls++;
  }
  on(event: 'window-all-closed', listener: () => void): this;
  on(event: 'web-contents-created', listener: (event: PreventableEvent, contents: ShellWebContents) => void): this;
  on(event: 'window-all-closed' | 'web-contents-created', listener: (() => void) | ((event: PreventableEvent, contents: ShellWebContents) => void)): this {
    if (event === 'window-all-closed') this.allClosed.push(listener as () => void);
    else this.created.push(listener as (event: PreventableEvent, contents: ShellWebContents) => void);
    return this;
  }
  contentsCreated(contents: ShellWebContents): void {
    for (const listener of this.created) listener(new FakeEvent(), contents);
  }
  allWindowsClosed(): void {
    for (const listener of this.allClosed) listener();
  }
}

export class FakeWindow implements ShellWindow {
  readonly webContents = new FakeWebContents();
  destroyed = false;
  shown = false;
  loaded: { url: string } | null = null;
  private readonly closedListeners: (() => void)[] = [];
  private readonly readyListeners: (() => void)[] = [];

  constructor(readonly options: BrowserWindowConstructorOptions) {}

  isDestroyed(): boolean {
    return this.destroyed;
  }
  show(): void {
    this.shown = true;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = { url };
  }
  once(_event: 'ready-to-show', listener: () => void): this {
    this.readyListeners.push(listener);
    return this;
  }
  on(_event: 'closed', listener: () => void): this {
    this.closedListeners.push(listener);
    return this;
  }
  readyToShow(): void {
    for (const listener of this.readyListeners.splice(0)) listener();
  }
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    for (const listener of this.closedListeners) listener();
  }
}

export function fakeElectron(options: { packaged?: boolean; dark?: boolean } = {}): FakeElectron {
  const app = new FakeApp();
  app.isPackaged = options.packaged ?? false;
  const windows: FakeWindow[] = [];
  class BrowserWindow extends FakeWindow {
    constructor(options: BrowserWindowConstructorOptions) {
      super(options);
      windows.push(this);
      // Electron announces every new webContents before anyone can load anything into it.
      app.contentsCreated(this.webContents);
    }
  }
  return {
    app,
    BrowserWindow,
    ipcMain: new FakeIpcMain(),
    session: { defaultSession: new FakeSession() },
    protocol: new FakeProtocol(app),
    dialog: new FakeDialog(),
    Menu: new FakeMenu(),
    nativeTheme: { shouldUseDarkColors: options.dark ?? false },
    windows,
  };
}

/** A service that answers every request with what it received, and lets the test emit events. */
export class FakeService implements ServiceBackend {
  readonly calls: { channel: RequestChannel; request: unknown }[] = [];
  closed = 0;
  private readonly listeners = new Set<ServiceListener>();

  /** When set, requests wait for this before answering (for tests of a sender going away). */
  hold: Promise<void> | null = null;
  readonly signals: AbortSignal[] = [];
  async handle<C extends RequestChannel>(channel: C, request: RequestOf<C>, signal?: AbortSignal): Promise<Result<ResponseOf<C>>> {
    this.calls.push({ channel, request });
    if (signal) this.signals.push(signal);
    if (this.hold) await this.hold;
    return { ok: true, value: { echo: request } as unknown as ResponseOf<C> };
  }
  subscribe(listener: ServiceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  latestPlacement(): PlacementUpdate | null {
    return null;
  }
  async close(): Promise<void> {
    this.closed++;
  }
  emit(event: ServiceEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  get subscribers(): number {
    return this.listeners.size;
  }
}
