/**
 * `POST /api/<channel>`: the JSON body is the request, the JSON response is the
 * `Result<Response>` of app/common/ipc.ts. Handled requests answer 200 whatever the outcome
 * (errors are values); refusals before the handler keep their HTTP status but still carry a
 * Result body, so the renderer's transport parses every answer the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Result } from '../../common/ipc.js';
import { INVALID_REQUEST, invalidRequest, isRequestChannel, validateRequest } from '../../common/ipc-validate.js';
import type { ServiceBackend } from '../service/index.js';
import { COMMON_HEADERS } from './security-headers.js';

/** 4096 ranges of two 18-character addresses fit in about 250 KiB. */
export const MAX_BODY_BYTES = 1 << 20;

export function sendResult(response: ServerResponse, status: number, result: Result<unknown>): void {
  const body = JSON.stringify(result);
  response.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

export function sendRefusal(response: ServerResponse, status: number, code: string, message: string): void {
  sendResult(response, status, { ok: false, error: { code, message } });
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): Result<unknown> {
  // No body means a channel whose request is null (system:topology, process:list, ...).
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return invalidRequest(`the body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function handleApiRequest(service: ServiceBackend, request: IncomingMessage, response: ServerResponse, channel: string): Promise<void> {
  if (!isRequestChannel(channel)) {
    sendRefusal(response, 404, 'UNKNOWN_CHANNEL', `no channel ${JSON.stringify(channel)}`);
    return;
  }
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    sendRefusal(response, 405, 'METHOD_NOT_ALLOWED', `${channel} takes POST with a JSON body`);
    return;
  }
  let text: string;
  try {
    text = await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      response.setHeader('Connection', 'close');
      sendRefusal(response, 413, INVALID_REQUEST, `request body larger than ${MAX_BODY_BYTES} bytes`);
      return;
    }
    throw error;
  }
  const body = parseBody(text);
  if (!body.ok) {
    sendResult(response, 400, body);
    return;
  }
  const valid = validateRequest(channel, body.value);
  if (!valid.ok) {
    sendResult(response, 400, valid);
    return;
  }
  // A client that closes the request before the answer no longer wants it: stop the work.
  const gone = new AbortController();
  const onClose = (): void => {
    if (!response.writableEnded) gone.abort(new Error('the client closed the request'));
  };
  response.once('close', onClose);
  if (response.destroyed) onClose();
  const result = await service.handle(channel, valid.value, gone.signal);
  response.off('close', onClose);
  if (!gone.signal.aborted) sendResult(response, 200, result);
}
