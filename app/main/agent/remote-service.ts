/**
 * The service of an agent, reached over its Unix socket: the same ServiceBackend the shell
 * uses for the in-process service, so the IPC bridge and the renderer do not know the
 * difference. Requests are serve mode's `POST /api/<channel>` (the agent validates them with
 * the channel's schema, as it does for a browser); events come from one `GET /api/events`
 * stream held open for the service's whole life, which is also how the agent knows its
 * client is still there (presence.ts).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { PlacementUpdate, RequestChannel, RequestOf, ResponseOf, Result } from '../../common/ipc.js';
import { isEventChannel } from '../../common/ipc-validate.js';
import { EventHub, type ServiceEvent, type ServiceListener } from '../service/events.js';
import type { ServiceBackend } from '../service/service.js';
import { SseReader } from './sse.js';

/** The Host every request names; serve mode accepts only this one on a Unix socket. */
const SOCKET_HOST = 'localhost';

export const AGENT_GONE = 'AGENT_GONE';

export interface RemoteServiceOptions {
  socketPath: string;
  token: string;
  /** The agent closed the event stream or stopped answering: the window should say so. */
  onGone?: (reason: string) => void;
}

function failure<T>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', reject);
  });
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  return value.ok === false && 'error' in value && typeof value.error === 'object' && value.error !== null;
}

export class RemoteService implements ServiceBackend {
  private readonly hub = new EventHub();
  private latest: PlacementUpdate | null = null;
  private stream: ReturnType<typeof httpRequest> | null = null;
  private closed = false;

  private constructor(private readonly options: RemoteServiceOptions) {}

  /** Opens the event stream; resolves once the agent has accepted it (token and all). */
  static async connect(options: RemoteServiceOptions): Promise<RemoteService> {
    const service = new RemoteService(options);
    await service.openStream();
    return service;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Host: SOCKET_HOST, Authorization: `Bearer ${this.options.token}`, ...extra };
  }

  private openStream(): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({ socketPath: this.options.socketPath, path: '/api/events', method: 'GET', headers: this.headers({ Accept: 'text/event-stream' }) });
      this.stream = request;
      let opened = false;
      request.once('error', (error) => {
        // Before the stream opened this is a failed connect, for the caller; after, a loss.
        if (opened) this.lost(`the agent's socket failed: ${error.message}`);
        else reject(error);
      });
      request.once('response', (response) => {
        if (response.statusCode !== 200) {
          void readAll(response).then((body) => reject(new Error(`the agent refused the event stream (${response.statusCode}): ${body.trim()}`)));
          return;
        }
        opened = true;
        resolve();
        const reader = new SseReader();
        response.on('data', (chunk: Buffer) => {
          for (const message of reader.push(chunk)) this.deliver(message.event, message.data);
        });
        response.once('end', () => this.lost('the agent closed its event stream'));
        response.once('error', () => this.lost('the agent closed its event stream'));
      });
      request.end();
    });
  }

  private deliver(channel: string, data: string): void {
    // The agent runs the service itself; the channel name is checked so nothing but the
    // contract's events reaches the window, as the preload checks the renderer's side.
    if (!isEventChannel(channel)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    const event = { channel, payload } as ServiceEvent;
    if (event.channel === 'placement:update') this.latest = event.payload;
    this.hub.emit(event.channel, event.payload);
  }

  private lost(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onGone?.(reason);
  }

  handle<C extends RequestChannel>(channel: C, request: RequestOf<C>, signal?: AbortSignal): Promise<Result<ResponseOf<C>>> {
    if (this.closed) return Promise.resolve(failure(AGENT_GONE, 'the numascope agent has stopped: close the window and open it again'));
    const body = JSON.stringify(request);
    return new Promise((resolve) => {
      const outgoing = httpRequest(
        {
          socketPath: this.options.socketPath,
          path: `/api/${encodeURIComponent(channel)}`,
          method: 'POST',
          headers: this.headers({ 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }),
          ...(signal ? { signal } : {}),
        },
        (response) => {
          readAll(response).then(
            (text) => {
              let parsed: unknown;
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = null;
              }
              resolve(isResult(parsed) ? (parsed as Result<ResponseOf<C>>) : failure(AGENT_GONE, `the agent answered ${channel} with status ${response.statusCode} and no result`));
            },
            (error: Error) => resolve(failure(AGENT_GONE, `the agent's answer to ${channel} broke off: ${error.message}`)),
          );
        },
      );
      outgoing.once('error', (error) => {
        if (signal?.aborted) resolve(failure('ABORTED', `${channel}: the asker went away`));
        else resolve(failure(AGENT_GONE, `the numascope agent did not answer ${channel}: ${error.message}`));
      });
      outgoing.end(body);
    });
  }

  subscribe(listener: ServiceListener): () => void {
    return this.hub.subscribe(listener);
  }

  latestPlacement(): PlacementUpdate | null {
    return this.latest;
  }

  /** Ends the event stream: the agent sees its client go and exits after its linger time. */
  async close(): Promise<void> {
    this.closed = true;
    this.stream?.destroy();
    this.stream = null;
  }
}
