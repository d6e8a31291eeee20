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

/** Returns a function that removes the handlers again. */
export function registerIpcHandlers(ipcMain: ShellIpcMain, service: ServiceBackend, trusted: (event: InvokeEvent) => boolean): () => void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, ...args) => {
      if (!trusted(event)) return FORBIDDEN_SENDER;
      if (args.length !== 1) return invalidRequest(`${channel}: expected exactly one request argument, got ${args.length}`);
      const valid = validateRequest(channel, args[0]);
      if (!valid.ok) return valid;
      return service.handle(channel, valid.value);
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
