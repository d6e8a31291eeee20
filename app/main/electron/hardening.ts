/**
 * Refusals that hold whatever the page does: no navigation away from the app, no new
 * windows, no <webview>, no permission (camera, notifications, ...) ever granted, and the
 * window's CSP on every response the session's network stack sees. The renderer's own files
 * come through the app protocol, which sets that policy itself (app-protocol.ts).
 */
import { WINDOW_CONTENT_SECURITY_POLICY } from './content-security-policy.js';
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
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [WINDOW_CONTENT_SECURITY_POLICY], 'X-Content-Type-Options': ['nosniff'] } });
  });
}
