/**
 * The renderer's only door to the main process, exposed as `window.numascope`: the
 * Transport of app/common/ipc.ts and nothing else. ipcRenderer itself never crosses the
 * bridge (it would let the page send anything on any channel); channels are checked here
 * and again in main, and listeners get the payload only, never the IPC event (whose
 * `sender` would hand the page ipcRenderer after all).
 *
 * Runs sandboxed, where `require` knows only electron's renderer modules: the build bundles
 * this file and what it imports into one CommonJS file (scripts/build-preload.mjs).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventChannel, EventChannels, RequestChannel, RequestOf, ResponseOf, Result, Transport } from '../common/ipc.js';
import { SHELL_OPEN_FILE_CHANNEL } from '../common/ipc-shell.js';
import { isEventChannel, isRequestChannel } from '../common/ipc-validate.js';
import { handOpenFile } from './open-file.js';

/** The global's name: `window.numascope`. */
const GLOBAL_NAME = 'numascope';

/** Duck-typed: an error from another JavaScript world fails `instanceof Error`. */
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}

async function request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  if (!isRequestChannel(channel)) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no request channel ${JSON.stringify(channel)}` } };
  try {
    return (await ipcRenderer.invoke(channel, payload)) as Result<ResponseOf<C>>;
  } catch (error) {
    // Only when main has no handler (shutting down) or the request cannot be cloned.
    return { ok: false, error: { code: 'IPC_FAILED', message: messageOf(error) } };
  }
}

function subscribe<E extends EventChannel>(channel: E, listener: (payload: EventChannels[E]) => void): () => void {
  if (!isEventChannel(channel)) throw new TypeError(`no event channel ${JSON.stringify(channel)}`);
  if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function');
  const relay = (_event: IpcRendererEvent, payload: EventChannels[E]): void => listener(payload);
  ipcRenderer.on(channel, relay);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    ipcRenderer.removeListener(channel, relay);
  };
}

const api: Transport = { request, subscribe };

contextBridge.exposeInMainWorld(GLOBAL_NAME, api);

// Not part of the page's API: main sends it, and only the file reaches the page (as a File).
ipcRenderer.on(SHELL_OPEN_FILE_CHANNEL, (_event: IpcRendererEvent, file: unknown) => handOpenFile(file));
