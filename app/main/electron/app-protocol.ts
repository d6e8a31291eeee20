/**
 * The window's own scheme, numascope://app/, serving the built renderer (dist/renderer) with
 * the window's CSP as a response header. Pages loaded from file:// get no response headers
 * at all, so a policy could only come from the page itself; this way the policy is set in
 * main, where the page cannot change it.
 *
 * Only GET, only the host "app", only files of known types lying inside the renderer folder:
 * every path segment is decoded and checked on its own, so "..", "%2e%2e" and an encoded
 * "/" or "\" cannot climb out.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { WINDOW_RESPONSE_HEADERS } from './content-security-policy.js';

export const APP_SCHEME = 'numascope';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard: relative URLs and a real origin, so 'self' means our files; secure: a secure
 * context like https. No CSP bypass, no fetch from other origins, no service workers.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, supportFetchAPI: false, corsEnabled: false, stream: false, codeCache: false },
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppProtocolHandler = (request: Request) => Promise<Response>;

function refusal(status: number, reason: string): Response {
  return new Response(`${reason}\n`, { status, headers: { ...WINDOW_RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The file under `root` for a URL path, or null for anything that is not a plain relative path. */
export function appFilePath(root: string, pathname: string): string | null {
  const parts: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    let part: string;
    try {
      part = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (part === '.' || part === '..' || /[/\\\0]/.test(part)) return null;
    parts.push(part);
  }
  const file = join(root, ...(parts.length === 0 ? ['index.html'] : parts));
  return file.startsWith(join(root, sep)) ? file : null;
}

export function createAppProtocolHandler(root: string): AppProtocolHandler {
  return async (request) => {
    if (request.method !== 'GET') return refusal(405, 'method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refusal(400, 'malformed URL');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refusal(404, 'unknown host');
    const file = appFilePath(root, url.pathname);
    if (file === null) return refusal(400, 'bad path');
    const type = CONTENT_TYPES[extname(file).toLowerCase()];
    if (type === undefined) return refusal(404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return refusal(404, 'not found');
    }
    return new Response(new Uint8Array(body), { status: 200, headers: { ...WINDOW_RESPONSE_HEADERS, 'Content-Type': type } });
  };
}
