/**
 * What the serve-mode server answers where no handler of ours runs (requests Node's parser
 * rejects, requests that take too long), and the cap on open event streams: every such
 * answer still carries the security headers. Raw sockets, so the requests can be malformed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../../app/common/ipc.js';
import { COMMON_HEADERS, startServer } from '../../../app/main/serve/index.js';
import { NumascopeService } from '../../../app/main/service/index.js';
import { EventReader, rawExchange, send, type RawReply } from './http-client.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-limits-'));
const rendererDir = join(dir, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>numascope</title>');

const service = new NumascopeService();
const server = await startServer({ service, rendererDir, maxEventStreams: 2, headersTimeoutMs: 300, requestTimeoutMs: 600 });
const { port, token } = server;
const host = `127.0.0.1:${port}`;
const readers: EventReader[] = [];

after(async () => {
  for (const reader of readers) reader.close();
  await server.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function assertSecurityHeaders(reply: { headers: Record<string, string | string[] | undefined> }, what: string): void {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) assert.equal(reply.headers[name.toLowerCase()], value, `${what}: ${name}`);
}

test('a malformed request line gets 400 with the security headers', async () => {
  const reply: RawReply = await rawExchange(port, 'THIS IS NOT HTTP\r\n\r\n');
  assert.equal(reply.status, 400);
  assert.equal(reply.headers.connection, 'close');
  assert.equal(reply.body, 'bad request\n');
  assertSecurityHeaders(reply, '400');
});

test('an over-long header gets 431 with the security headers', async () => {
  const reply = await rawExchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Padding: ${'a'.repeat(32 * 1024)}\r\n\r\n`);
  assert.equal(reply.status, 431);
  assertSecurityHeaders(reply, '431');
});

test('a request whose headers never finish gets 408 with the security headers', async () => {
  const started = Date.now();
  const reply = await rawExchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\n`);
  assert.equal(reply.status, 408);
  assert.equal(reply.body, 'request timed out\n');
  assertSecurityHeaders(reply, '408');
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms with a 300 ms timeout`);
});

test('an Expect header the server does not know gets 417 with the security headers', async () => {
  const reply = await send({ port, path: '/', headers: { Expect: 'something-else' } });
  assert.equal(reply.status, 417);
  assertSecurityHeaders(reply, '417');
});

test('event streams over the cap are refused with 429 and the security headers; closing one makes room', async () => {
  const path = `/api/events?token=${token}`;
  for (let i = 0; i < 2; i++) {
    const reader = await EventReader.open(port, path);
    readers.push(reader);
    assert.equal(reader.status, 200);
  }
  const refused = await send({ port, path, headers: { Accept: 'text/event-stream' } });
  assert.equal(refused.status, 429);
  assert.equal(refused.headers['retry-after'], '5');
  assertSecurityHeaders(refused, '429');
  const result = JSON.parse(refused.body) as Result<unknown>;
  assert.deepEqual(result.ok === false && result.error.code, 'TOO_MANY_STREAMS');
  readers.shift()?.close();
  // The server notices the closed socket a moment later.
  const deadline = Date.now() + 5000;
  let again: EventReader;
  for (;;) {
    again = await EventReader.open(port, path);
    readers.push(again);
    if (again.status === 200 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(again.status, 200);
});
