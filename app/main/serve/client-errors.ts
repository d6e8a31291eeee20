/**
 * Answers to requests that Node's HTTP parser rejects before any handler runs: a malformed
 * request line, headers over the size limit, a request that took too long to arrive. Node's
 * own replies to these carry only `Connection: close`; these carry the same security headers
 * as every other answer of the server, and are written to the socket directly because there
 * is no response object yet.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { COMMON_HEADERS } from './security-headers.js';

const ANSWERS: Readonly<Record<string, { status: number; text: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, text: 'request headers too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, text: 'chunk extensions too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, text: 'request timed out' },
};

const BAD_REQUEST = { status: 400, text: 'bad request' };

/** The whole HTTP/1.1 response, status line to body, for a parser error `code`. */
export function clientErrorResponse(code: string | undefined): string {
  const { status, text } = (code !== undefined ? ANSWERS[code] : undefined) ?? BAD_REQUEST;
  const body = `${text}\n`;
  const headers: Record<string, string> = {
    ...COMMON_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines.join('')}\r\n${body}`;
}

/**
 * The server's 'clientError' listener. `inFlight` is the socket's current response, if a
 * handler has one: once its headers are out, anything written now would corrupt it, so the
 * connection is only closed (as Node itself does).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex, inFlight: ServerResponse | undefined): void {
  const midResponse = inFlight !== undefined && inFlight.headersSent && !inFlight.writableEnded;
  if (error.code === 'ECONNRESET' || !socket.writable || midResponse) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(error.code));
}
