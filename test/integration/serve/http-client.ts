/** Plain node:http requests (any Host or Origin header, unlike fetch) and a server-sent events reader. */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { EventChannel, EventChannels } from '../../../app/common/ipc.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestSpec {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function send(spec: RequestSpec): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: spec.port,
        path: spec.path,
        method: spec.method ?? 'GET',
        headers: { ...(spec.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...spec.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}

export interface ReceivedEvent<E extends EventChannel = EventChannel> {
  channel: E;
  payload: EventChannels[E];
}

/** An open /api/events stream: collects events; `next` waits for the first (new or buffered) one that matches. */
export class EventReader {
  private readonly events: ReceivedEvent[] = [];
  private readonly waiters: { test: (event: ReceivedEvent) => boolean; resolve: (event: ReceivedEvent) => void }[] = [];
  private buffer = '';

  private constructor(
    private readonly response: IncomingMessage,
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.feed(chunk));
  }

  static open(port: number, path: string): Promise<EventReader> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream' } }, (res) => resolve(new EventReader(res, res.statusCode ?? 0, res.headers)));
      req.on('error', reject);
      req.end();
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let channel: string | null = null;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) channel = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data += line.slice('data: '.length);
      }
      if (channel === null) continue;
      const event = { channel, payload: JSON.parse(data) as unknown } as ReceivedEvent;
      this.events.push(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(event)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  }

  next<E extends EventChannel>(channel: E, test: (payload: EventChannels[E]) => boolean = () => true, timeoutMs = 20_000): Promise<EventChannels[E]> {
    const matches = (event: ReceivedEvent): boolean => event.channel === channel && test(event.payload as EventChannels[E]);
    const found = this.events.find(matches);
    if (found) return Promise.resolve(found.payload as EventChannels[E]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${channel} event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        test: matches,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event.payload as EventChannels[E]);
        },
      });
    });
  }

  get received(): readonly ReceivedEvent[] {
    return this.events;
  }

  close(): void {
    this.response.destroy();
  }
}

export interface RawReply {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `text` to a fresh TCP connection as is (no HTTP client in the way, so it can be
 * malformed, oversized or unfinished) and parses whatever comes back until the server closes.
 */
export function rawExchange(port: number, text: string, timeoutMs = 10_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; got ${JSON.stringify(received.slice(0, 200))}`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    // The server may close while we are still writing a long request: what it sent first still counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const end = received.indexOf('\r\n\r\n');
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (end < 0 || match === null) {
        reject(new Error(`not an HTTP response: ${JSON.stringify(received.slice(0, 200))}`));
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of received.slice(0, end).split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(match[1]), headers, body: received.slice(end + 4) });
    });
    socket.write(text);
  });
}
