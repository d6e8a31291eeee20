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
import { COMMON_HEADERS } from './security-headers.js';

const DROPPABLE: ReadonlySet<EventChannel> = new Set(['placement:update', 'placement:progress', 'move:progress']);

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

export function eventStreams(service: ServiceBackend): EventStreams {
  const open = new Set<ServerResponse>();
  return {
    open(request, response) {
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
