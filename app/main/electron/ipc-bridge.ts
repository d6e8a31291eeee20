/**
 * The service on ipcMain: one handler per request channel, each checking the sender, the
 * argument count and the request itself before the service sees it; and the service's
 * events forwarded to the window.
 */
import { REQUEST_CHANNELS, type Result } from '../../common/ipc.js';
import { invalidRequest, validateRequest } from '../../common/ipc-validate.js';
import type { ServiceBackend } from '../service/index.js';
import type { InvokeEvent, ShellIpcMain, ShellWindow } from './electron-api.js';

export const FORBIDDEN_SENDER: Result<never> = { ok: false, error: { code: 'FORBIDDEN', message: 'request refused: it does not come from the numascope window' } };

/** A request's sender that says when it goes away, as Electron's WebContents does. */
interface GoneEmitter {
  once(event: 'destroyed', listener: () => void): unknown;
  removeListener(event: 'destroyed', listener: () => void): unknown;
}

function emitsGone(sender: object): sender is GoneEmitter {
  const candidate = sender as Partial<GoneEmitter>;
  return typeof candidate.once === 'function' && typeof candidate.removeListener === 'function';
}

/**
 * Runs `work` with a signal that fires when the window that asked is destroyed, so work done
 * only for the answer (a move plan over a huge range) stops with it.
 */
async function whileSenderLives<T>(sender: object, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const gone = (): void => controller.abort();
  const watched = emitsGone(sender) ? sender : null;
  watched?.once('destroyed', gone);
  try {
    return await work(controller.signal);
  } finally {
    watched?.removeListener('destroyed', gone);
  }
}

/** Returns a function that removes the handlers again. */
export function registerIpcHandlers(ipcMain: ShellIpcMain, service: ServiceBackend, trusted: (event: InvokeEvent) => boolean): () => void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, ...args) => {
      if (!trusted(event)) return FORBIDDEN_SENDER;
      if (args.length !== 1) return invalidRequest(`${channel}: expected exactly one request argument, got ${args.length}`);
      const valid = validateRequest(channel, args[0]);
      if (!valid.ok) return valid;
      return whileSenderLives(event.sender, (signal) => service.handle(channel, valid.value, signal));
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Returns the unsubscribe function. */
export function forwardEvents(service: ServiceBackend, window: ShellWindow): () => void {
  return service.subscribe((event) => {
    if (window.isDestroyed() || window.webContents.isDestroyed()) return;
    window.webContents.send(event.channel, event.payload);
  });
}
