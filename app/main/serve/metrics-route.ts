/**
 * GET /metrics (serve --metrics): the same exposition as `numascope metrics`, in OpenMetrics
 * when the scraper accepts it, else the Prometheus text format. The processes to report on
 * come from the query, as the command's options do: `?pid=N` (repeatable) and `?all=1`, so a
 * scrape config chooses them with `params:`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectMetrics, CONTENT_TYPES, negotiateFormat, renderExposition, type MetricsSelection } from '../metrics/index.js';
import { sendText } from './static-files.js';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteOptions {
  /** Serve /metrics without the token (serve --metrics-public); everything else still needs it. */
  public: boolean;
}

/** The selection a query names, or a message saying what is wrong with it. */
export function metricsSelection(query: URLSearchParams): MetricsSelection | string {
  const pids: number[] = [];
  for (const text of query.getAll('pid')) {
    if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 0x3fffffff) return `pid "${text}" is not a process id`;
    pids.push(Number(text));
  }
  const all = query.get('all');
  if (all !== null && all !== '1' && all !== 'true') return `all must be 1 or true, got "${all}"`;
  return { pids, all: all !== null };
}

export async function serveMetrics(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    sendText(response, 405, `${METRICS_PATH} takes GET\n`);
    return;
  }
  const selection = metricsSelection(url.searchParams);
  if (typeof selection === 'string') {
    sendText(response, 400, `${selection}\n`);
    return;
  }
  const format = negotiateFormat(request.headers.accept);
  sendText(response, 200, renderExposition(await collectMetrics(selection), format), CONTENT_TYPES[format]);
}
