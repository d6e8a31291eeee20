/**
 * Serve mode: requests are POST /api/<channel> with the token as a bearer header, events
 * arrive as server-sent events on one shared EventSource. The token and the page live on
 * the same origin, so nothing here needs CORS, and the CSP's connect-src 'self' allows both.
 */
import type { EventChannel, EventChannels, RequestChannel, RequestOf, ResponseOf, Result, Transport } from '../../common/ipc.js';

export type ConnectionState = 'connecting' | 'open' | 'lost';

export interface HttpTransport extends Transport {
  readonly kind: 'http';
  /** Follows the event stream's state, for a "connection lost" notice. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

export interface HttpTransportOptions {
  /** Origin and path prefix of the server, e.g. "http://127.0.0.1:8123". */
  base: string;
  token: string;
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSource;
}

function failure<T>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

function isResult(value: unknown): value is { ok: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const createEventSource = options.createEventSource ?? ((url: string) => new EventSource(url));
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let source: EventSource | null = null;

  const setConnection = (state: ConnectionState): void => {
    for (const listener of connectionListeners) listener(state);
  };

  const attach = (channel: EventChannel): void => {
    source?.addEventListener(channel, (event: MessageEvent<string>) => {
      let payload: unknown;
      try {
        payload = JSON.parse(event.data);
      } catch {
        return;
      }
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    });
  };

  const ensureSource = (): void => {
    if (source !== null) return;
    source = createEventSource(`${options.base}/api/events?token=${encodeURIComponent(options.token)}`);
    setConnection('connecting');
    source.addEventListener('open', () => setConnection('open'));
    // EventSource reconnects by itself; tell the UI meanwhile.
    source.addEventListener('error', () => setConnection('lost'));
    for (const channel of listeners.keys()) attach(channel);
  };

  return {
    kind: 'http',
    async request<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      let response: Response;
      try {
        response = await fetchImpl(`${options.base}/api/${channel}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
          body: JSON.stringify(request),
          cache: 'no-store',
        });
      } catch (error) {
        return failure('NETWORK', `cannot reach the numascope server: ${error instanceof Error ? error.message : String(error)}`);
      }
      const text = await response.text().catch(() => '');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return failure(`HTTP_${response.status}`, `${channel}: the server answered ${response.status} ${oneLine(response.statusText || text)}`);
      }
      // The server's answers follow the contract; only the shape is checked here.
      if (isResult(body)) return body as Result<ResponseOf<C>>;
      return failure(`HTTP_${response.status}`, `${channel}: unexpected answer from the server`);
    },
    subscribe<E extends EventChannel>(channel: E, listener: (payload: EventChannels[E]) => void): () => void {
      let set = listeners.get(channel);
      const fresh = set === undefined;
      if (set === undefined) {
        set = new Set();
        listeners.set(channel, set);
      }
      // Payloads come from our own server in the contract's shape.
      const wrapped = (payload: unknown): void => listener(payload as EventChannels[E]);
      set.add(wrapped);
      if (source === null) ensureSource();
      else if (fresh) attach(channel);
      return () => {
        set.delete(wrapped);
      };
    },
    onConnection(listener: (state: ConnectionState) => void): () => void {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close(): void {
      source?.close();
      source = null;
    },
  };
}
