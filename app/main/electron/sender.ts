/**
 * Whether an IPC message comes from our page: the main frame of our window, showing the
 * renderer's index.html from the app protocol (any query, e.g. ?pid=). A frame that
 * navigated elsewhere, an iframe, another window, or a file:// page gets nothing.
 */
import { APP_INDEX_URL } from './app-protocol.js';
import type { InvokeEvent, ShellWindow } from './electron-api.js';

export function trustedSenderCheck(window: ShellWindow): (event: InvokeEvent) => boolean {
  const expected = new URL(APP_INDEX_URL);
  return (event) => {
    if (window.isDestroyed() || event.sender !== window.webContents) return false;
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    return url.protocol === expected.protocol && url.host === expected.host && url.pathname === expected.pathname;
  };
}
