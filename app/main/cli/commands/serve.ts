import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUEST_LIMITS } from '../../../common/ipc-validate.js';
import { requireInspectable } from '../../proc/access.js';
import { DEFAULT_HOST, parseAllowedHost, startServer } from '../../serve/index.js';
import { DEFAULT_FULL_EVERY } from '../../sampler/poller.js';
import { NumascopeService } from '../../service/index.js';
import { osReason } from '../../files/errno.js';
import { EXIT_OK, parseCommandLine, parsePid, UsageError, type CliIO, type Command } from '../command.js';

/** dist/app/main/cli/commands/serve.js -> dist/renderer */
export const RENDERER_DIR = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'renderer');

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`--port "${text}" is not a port (0-65535)`);
  return Number(text);
}

function parseInterval(text: string | undefined): number | null {
  if (text === undefined) return null;
  const { minIntervalMs, maxIntervalMs } = REQUEST_LIMITS;
  if (!/^\d{1,7}$/.test(text) || Number(text) < minIntervalMs || Number(text) > maxIntervalMs) {
    throw new UsageError(`--interval "${text}" must be milliseconds from ${minIntervalMs} to ${maxIntervalMs}`);
  }
  return Number(text);
}

/**
 * A token that survives restarts, for a scraper's credentials file: the first line of FILE,
 * at least 32 URL-safe characters (the printed one is 32), so it is as hard to guess.
 */
async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--token-file ${path}: ${osReason(error)}`);
  }
  const token = (text.split('\n')[0] ?? '').trim();
  if (!/^[A-Za-z0-9_-]{32,512}$/.test(token)) throw new UsageError(`--token-file ${path}: the first line must be 32 to 512 characters of A-Z a-z 0-9 _ - (e.g. from: head -c 24 /dev/urandom | base64 | tr +/ -_)`);
  return token;
}

function parseFullEvery(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const { maxFullEvery } = REQUEST_LIMITS;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > maxFullEvery) {
    throw new UsageError(`--full-every "${text}" must be a number of polls from 1 to ${maxFullEvery}`);
  }
  return Number(text);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function stopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolveStop) => signal.addEventListener('abort', () => resolveStop(), { once: true }));
}

export const serveCommand: Command = {
  name: 'serve',
  help: `usage: numascope serve [--port N] [--host ADDR] [--allow-host HOST:PORT]... [--pid PID] [--interval MS] [--full-every N]
                       [--token-file FILE] [--metrics [--metrics-public]]

Serves the numascope UI and its API over HTTP, for use from a browser (no Electron
needed, or over an SSH tunnel). The first line on stdout is the URL to open:

  numascope: serving http://127.0.0.1:PORT/?token=TOKEN

The token is random on every start; requests without it are refused (401/403),
as are requests naming another host (DNS rebinding) or coming from another site.
Anyone holding the URL can see and move the memory of every process you may
access, so treat it as a password. Stops on Ctrl-C (SIGINT) or SIGTERM.

options:
  --port N        port to listen on (default 0: any free port)
  --host ADDR     address to listen on (default ${DEFAULT_HOST}; anything else is
                  reachable from other machines, and a warning is printed)
  --allow-host HOST:PORT
                  also accept requests addressed to HOST:PORT (repeatable): for a
                  browser that comes through a tunnel or port forward whose outer
                  port differs, e.g. ssh -L 9000:127.0.0.1:8080 needs
                  --port 8080 --allow-host 127.0.0.1:9000 (open the printed URL
                  with the port changed to 9000). Other names stay refused.
  --pid PID       open this process directly (adds &pid=PID to the URL)
  --interval MS   poll period the page starts with (adds &interval=MS; ${REQUEST_LIMITS.minIntervalMs}-${REQUEST_LIMITS.maxIntervalMs})
  --token-file FILE
                  use the token on the first line of FILE instead of a random one
                  (at least 32 characters of A-Z a-z 0-9 _ -), so that a scraper's
                  credentials file keeps working across restarts
  --metrics       also serve GET /metrics: what \`numascope metrics\` prints, as
                  OpenMetrics (or the Prometheus text format for a scraper that does
                  not accept OpenMetrics). It needs the token (Authorization: Bearer
                  TOKEN); ?pid=PID (repeatable) and ?all=1 choose the processes.
  --metrics-public
                  serve /metrics without the token (the page and the API still need
                  it): anyone who can reach the port can read the node memory and,
                  with ?all=1, the names and memory of every process you may read
  --full-every N  ask about every page again every N polls (1: every poll). By default
                  every ${DEFAULT_FULL_EVERY}, or less often where a full rescan would cost more than
                  1% of a core. The polls between ask only where the kernel's change
                  signals point (faults, maps, presence, migrations anywhere in the system)
  -h, --help

examples:
  numascope serve --pid $(pidof -s postgres)
  ssh -L 8080:127.0.0.1:8080 server numascope serve --port 8080
  numascope serve --port 9464 --metrics --token-file /etc/numascope/token`,
  async run(args: string[], io: CliIO) {
    const { values, positionals } = parseCommandLine(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      pid: { type: 'string' },
      interval: { type: 'string' },
      'token-file': { type: 'string' },
      metrics: { type: 'boolean' },
      'metrics-public': { type: 'boolean' },
      'full-every': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const port = parsePort(values.port);
    const interval = parseInterval(values.interval);
    const fullEvery = parseFullEvery(values['full-every']);
    const pid = values.pid === undefined ? null : parsePid(values.pid);
    if (values.host === '') throw new UsageError('--host needs an address');
    const host = values.host ?? DEFAULT_HOST;
    const allowHosts = (values['allow-host'] ?? []).map((text) => {
      try {
        return parseAllowedHost(text);
      } catch (error) {
        throw new UsageError(`--allow-host ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    if (values['metrics-public'] && !values.metrics) throw new UsageError('--metrics-public needs --metrics');
    const token = values['token-file'] === undefined ? undefined : await readTokenFile(values['token-file']);
    // A wrong pid is better reported now, on the command line, than later in the page.
    if (pid !== null) await requireInspectable(pid);

    const service = new NumascopeService(undefined, fullEvery === undefined ? {} : { fullEvery });
    const metrics = values.metrics ? { public: values['metrics-public'] === true } : undefined;
    const server = await startServer({ service, rendererDir: RENDERER_DIR, host, port, allowHosts, ...(token === undefined ? {} : { token }), ...(metrics ? { metrics } : {}) });
    let url = server.pageUrl;
    if (pid !== null) url += `&pid=${pid}`;
    if (interval !== null) url += `&interval=${interval}`;
    io.stdout(`numascope: serving ${url}\n`);
    if (values.host !== undefined && !isLoopback(host)) {
      io.stderr(`numascope serve: warning: listening on ${host}, reachable from other machines; anyone with the URL can see and move process memory\n`);
    }
    if (metrics) io.stderr(`numascope serve: metrics at ${server.origin}/metrics${metrics.public ? ' (no token needed)' : ' (send Authorization: Bearer TOKEN)'}\n`);
    io.stderr('numascope serve: open the URL above in a browser; Ctrl-C stops\n');
    try {
      await stopped(io.signal);
    } finally {
      await server.close();
      await service.close();
    }
    io.stderr('numascope serve: stopped\n');
    return EXIT_OK;
  },
};
