/**
 * The built renderer (dist/renderer) over HTTP. Only files inside that folder are served:
 * the path is normalized, then resolved through symlinks, and must still lie inside it.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { COMMON_HEADERS } from './security-headers.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Shown when dist/renderer has no index.html yet; no script, so the CSP holds as is. */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>numascope</title></head>
<body>
<h1>numascope</h1>
<p>The renderer is not built: run <code>npm run build</code>, then reload this page.</p>
<p>The API is up: <code>POST /api/&lt;channel&gt;</code> and <code>GET /api/events</code>, with the token from the URL.</p>
</body>
</html>
`;

export function sendText(response: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** The file under `root` for a URL path, or null when it would lie outside (or is malformed). */
export function filePathFor(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) return null;
  const relative = parts.length === 0 ? 'index.html' : parts.join('/');
  return join(root, relative);
}

async function insideRoot(root: string, file: string): Promise<boolean> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    return realFile.startsWith(realRoot + sep);
  } catch {
    return false;
  }
}

export async function serveStatic(root: string, request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    sendText(response, 405, 'method not allowed\n');
    return;
  }
  const file = filePathFor(root, pathname);
  if (file === null) {
    sendText(response, 400, 'bad path\n');
    return;
  }
  const isIndex = file === join(root, 'index.html');
  const info = (await insideRoot(root, file)) ? await stat(file).catch(() => null) : null;
  if (!info?.isFile()) {
    if (isIndex) sendText(response, 200, NOT_BUILT_PAGE, CONTENT_TYPES['.html']);
    else sendText(response, 404, 'not found\n');
    return;
  }
  response.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    // The page must be fresh after a rebuild; the bundles are small enough to revalidate too.
    'Cache-Control': 'no-cache',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
}
