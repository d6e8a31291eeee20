/**
 * `GET /api/events`: the service's events as server-sent events, one
 * `event: <channel>\ndata: <json>\n\n` each (JSON.stringify escapes newlines, so the data is
 * always one line). A client that cannot keep up loses superseded events (placement updates
 * and progress, each replaced by the next one) rather than making the server buffer without
 * bound; results and errors are always sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventChannel } from '../../common/ipc.js';
import type { ServiceBackend, ServiceEvent } from '../service/index.js';
import { sendRefusal } from './api.js';
import { COMMON_HEADERS } from './security-headers.js';

const DROPPABLE: ReadonlySet<EventChannel> = new Set(['placement:update', 'placement:progress', 'move:progress']);

/**
 * Streams open at once. Each holds a socket and a subscription for as long as the client
 * likes, so without a cap a token holder (or a page reloaded in a loop) could pile them up;
 * a browser keeps about six connections per host anyway, so a few tabs fit well below this.
 */
export const DEFAULT_MAX_EVENT_STREAMS = 16;

/** Comments keep idle proxies and the browser from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export function formatEvent(event: ServiceEvent): string {
  return `event: ${event.channel}\ndata: ${JSON.stringify(event.payload)}\n\n`;
}

export interface EventStreams {
  open(request: IncomingMessage, response: ServerResponse): void;
  /** Ends every stream (the server is stopping). */
  closeAll(): void;
}

export function eventStreams(service: ServiceBackend, maxStreams: number = DEFAULT_MAX_EVENT_STREAMS): EventStreams {
  const open = new Set<ServerResponse>();
  return {
    open(request, response) {
      if (open.size >= maxStreams) {
        // EventSource gives up on any status but 200, rather than retrying in a loop.
        response.setHeader('Retry-After', '5');
        response.setHeader('Connection', 'close');
        sendRefusal(response, 429, 'TOO_MANY_STREAMS', `${maxStreams} event streams are open already: close another tab of this page first`);
        return;
      }
      response.writeHead(200, {
        ...COMMON_HEADERS,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      response.write('retry: 2000\n: connected\n\n');
      const send = (event: ServiceEvent): void => {
        if (response.writableNeedDrain && DROPPABLE.has(event.channel)) return;
        response.write(formatEvent(event));
      };
      // A page that subscribes after asking to watch still gets the current picture.
      const latest = service.latestPlacement();
      if (latest) send({ channel: 'placement:update', payload: latest });
      const unsubscribe = service.subscribe(send);
      const heartbeat = setInterval(() => response.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      open.add(response);
      const cleanup = (): void => {
        unsubscribe();
        clearInterval(heartbeat);
        open.delete(response);
      };
      request.on('close', cleanup);
      response.on('close', cleanup);
    },
    closeAll() {
      for (const response of open) response.end();
    },
  };
}
