/**
 * Which transport this page talks through, decided once at start-up: the Electron preload
 * API when present, else serve mode's HTTP API when the URL carries a token, else none (an
 * offline viewer that can only open snapshot files).
 */
import { createHttpTransport, type HttpTransport } from './http.js';
import { preloadTransport, type PreloadTransport } from './preload.js';

export type AppTransport = HttpTransport | PreloadTransport;

export function pickTransport(host: Window): AppTransport | null {
  const preload = preloadTransport(host);
  if (preload !== null) return preload;
  const { protocol, origin, search } = host.location;
  const token = new URLSearchParams(search).get('token');
  if ((protocol === 'http:' || protocol === 'https:') && token !== null && token !== '') return createHttpTransport({ base: origin, token });
  return null;
}
