/**
 * Electron: the preload script exposes `window.numascope`, a Transport over IPC. The page
 * cannot reach ipcRenderer itself (context isolation), so this is the whole surface.
 */
import type { Transport } from '../../common/ipc.js';

declare global {
  interface Window {
    numascope?: Transport;
  }
}

export interface PreloadTransport extends Transport {
  readonly kind: 'preload';
}

function isTransport(value: unknown): value is Transport {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { request?: unknown; subscribe?: unknown };
  return typeof candidate.request === 'function' && typeof candidate.subscribe === 'function';
}

export function preloadTransport(host: Window): PreloadTransport | null {
  const api: unknown = host.numascope;
  if (!isTransport(api)) return null;
  return {
    kind: 'preload',
    request: (channel, request) => api.request(channel, request),
    subscribe: (channel, listener) => api.subscribe(channel, listener),
  };
}
