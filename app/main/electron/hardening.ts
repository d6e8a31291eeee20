/**
 * Refusals that hold whatever the page does: no navigation away from the app, no new
 * windows, no <webview>, no permission (camera, notifications, ...) ever granted, and the
 * CSP on every response the session sees.
 */
import { CONTENT_SECURITY_POLICY } from '../serve/security-headers.js';
import type { PreventableEvent, ShellSession, ShellWebContents } from './electron-api.js';

function refuse(event: PreventableEvent): void {
  event.preventDefault();
}

/** Applied to every webContents the app creates (app 'web-contents-created'). */
export function hardenWebContents(contents: ShellWebContents): void {
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', refuse);
  contents.setWindowOpenHandler(() => ({ action: 'deny' as const }));
}

export function hardenSession(session: ShellSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // file:// pages also carry the policy in a meta tag (the renderer's index.html); this
  // covers every response that does go through the network stack.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'X-Content-Type-Options': ['nosniff'] } });
  });
}
