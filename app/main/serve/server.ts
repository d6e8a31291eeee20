/**
 * The serve-mode HTTP server (node:http, no framework):
 *   GET  /, /<file>        the built renderer from dist/renderer (no token: it is public code)
 *   POST /api/<channel>    a request channel of app/common/ipc.ts; JSON Result back
 *   GET  /api/events       server-sent events, one per EventChannels event
 *   GET  /metrics          OpenMetrics, when started with the metrics option (metrics-route.ts)
 * Every request must name this server in Host (and in Origin when present); every /api
 * request, and /metrics unless it was made public, must carry the token (see access.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import type { ServiceBackend } from '../service/index.js';
import { allowedHosts, checkFetchSite, checkHost, checkOrigin, checkToken, newToken, parseAllowedHost, type Refusal } from './access.js';
import { handleApiRequest, sendRefusal } from './api.js';
import { answerClientError } from './client-errors.js';
import { METRICS_PATH, serveMetrics, type MetricsRouteOptions } from './metrics-route.js';
import { DEFAULT_MAX_EVENT_STREAMS, eventStreams } from './events-stream.js';
import { sendText, serveStatic } from './static-files.js';

export const DEFAULT_HOST = '127.0.0.1';
/** The Host a client of a Unix socket server names. */
export const UNIX_SOCKET_HOST = 'localhost';

export interface ServeOptions {
  service: ServiceBackend;
  /** The folder holding the built renderer (index.html, app.js, ...); it may not exist yet. */
  rendererDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Listen on this Unix socket instead of TCP (host and port are then unused). The caller
   * makes the socket's directory private: the file permission is the gate, since no browser
   * can reach a Unix socket. Host must then name `localhost`; the token is still required.
   */
  socket?: string;
  /** Default: a fresh random one. */
  token?: string;
  /**
   * More HOST:PORT values to accept in Host and Origin, for a browser that comes through a
   * port forward or tunnel (see parseAllowedHost). Invalid values make startServer throw.
   */
  allowHosts?: readonly string[];
  /** Serve GET /metrics (off by default). */
  metrics?: MetricsRouteOptions;
  /** Event streams open at once; more are refused with 429. Default DEFAULT_MAX_EVENT_STREAMS. */
  maxEventStreams?: number;
  /** Time a client has to send a whole request (408 after). Default 30 s. */
  requestTimeoutMs?: number;
  /** Time a client has to send the request's headers (408 after). Default 10 s. */
  headersTimeoutMs?: number;
}

export interface RunningServer {
  host: string;
  port: number;
  token: string;
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  /** The page with the token: what `numascope serve` prints. */
  pageUrl: string;
  close(): Promise<void>;
}

function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/** Where a browser on this machine should go: loopback unless bound to one other address. */
function browsableHost(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '') return DEFAULT_HOST;
  return isIP(bindHost) === 6 ? `[${bindHost}]` : bindHost;
}

function refuse(response: ServerResponse, api: boolean, refusal: Refusal): void {
  if (api) sendRefusal(response, refusal.status, refusal.code, refusal.message);
  else sendText(response, refusal.status, `${refusal.message}\n`);
}

function decodeChannel(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token ?? newToken();
  // Checked before listening, so a bad value never leaves a half-started server behind.
  const extraHosts = (options.allowHosts ?? []).map(parseAllowedHost);
  const { service, rendererDir } = options;
  const streams = eventStreams(service, options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS);
  let hosts = new Set<string>();

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://placeholder');
    const api = isApiPath(url.pathname);
    const metrics = options.metrics !== undefined && url.pathname === METRICS_PATH;
    const needsToken = api || (metrics && options.metrics?.public !== true);
    const refusal =
      checkHost(request, hosts) ??
      checkOrigin(request, hosts) ??
      (api || metrics ? checkFetchSite(request) : null) ??
      (needsToken ? checkToken(request, url, token) : null);
    if (refusal) {
      refuse(response, api, refusal);
      return;
    }
    if (metrics) {
      await serveMetrics(request, response, url);
      return;
    }
    if (!api) {
      await serveStatic(rendererDir, request, response, url.pathname);
      return;
    }
    if (url.pathname === '/api/events') {
      if (request.method !== 'GET') {
        response.setHeader('Allow', 'GET');
        sendRefusal(response, 405, 'METHOD_NOT_ALLOWED', '/api/events takes GET');
        return;
      }
      streams.open(request, response);
      return;
    }
    await handleApiRequest(service, request, response, decodeChannel(url.pathname.slice('/api/'.length)));
  };

  // Request bodies are small; a client that trickles one in is not a client we want.
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
  // Node checks the timeouts only this often (30 s by default), so a short timeout needs a short check.
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4)));
  /** Each socket's latest response, so a parser error never writes into one already under way. */
  const responses = new WeakMap<object, ServerResponse>();
  const server = createServer({ requestTimeout, headersTimeout, connectionsCheckingInterval }, (request, response) => {
    responses.set(request.socket, response);
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendRefusal(response, 500, 'INTERNAL', message.split('\n')[0] ?? 'internal error');
    });
  });
  server.on('clientError', (error: Error & { code?: string }, socket) => answerClientError(error, socket, responses.get(socket)));
  // Node's own 417 for an Expect header it does not know would go out without our headers.
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => sendText(response, 417, 'expectation failed\n'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (options.socket !== undefined) server.listen(options.socket, listening);
    else server.listen(options.port ?? 0, host, listening);
  });
  const port = options.socket !== undefined ? 0 : (server.address() as AddressInfo).port;
  hosts = options.socket !== undefined ? new Set([UNIX_SOCKET_HOST]) : allowedHosts(host, port, extraHosts);
  const origin = options.socket !== undefined ? `http://${UNIX_SOCKET_HOST}` : `http://${browsableHost(host)}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    host,
    port,
    token,
    origin,
    pageUrl: `${origin}/?token=${token}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        streams.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
