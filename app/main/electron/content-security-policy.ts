/**
 * The policy of the Electron window, sent by the app protocol with every page and file of
 * the renderer (app-protocol.ts). Stricter than serve mode's: the window talks to main over
 * IPC only, so the page may connect nowhere, not even to its own origin. Scripts only from
 * the app's own files (no inline script, no eval), no plugins, no frames, no forms, no <base>.
 * Styles allow 'unsafe-inline' for the style attributes React and D3 set.
 */
export const WINDOW_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "worker-src 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Every response of the app protocol carries these, refusals included. */
export const WINDOW_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': WINDOW_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
