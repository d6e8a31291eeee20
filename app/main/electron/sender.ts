/**
 * Whether an IPC message comes from our page: the main frame of our window, showing our
 * file:// index.html (any query, e.g. ?pid=). A frame that navigated elsewhere, an iframe,
 * or another window gets nothing.
 */
import { pathToFileURL } from 'node:url';
import type { InvokeEvent, ShellWindow } from './electron-api.js';

export function trustedSenderCheck(window: ShellWindow, indexPath: string): (event: InvokeEvent) => boolean {
  const expected = pathToFileURL(indexPath);
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
    return url.protocol === 'file:' && url.host === expected.host && url.pathname === expected.pathname;
  };
}
