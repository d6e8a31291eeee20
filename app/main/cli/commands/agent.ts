import { unlink } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { defaultAgentSocket, handOver, prepareSocketPlace, tokenPathOf, UnsafePlaceError } from '../../agent/place.js';
import { writeTokenFile } from '../../agent/token-file.js';
import { OwnerError, resolveOwner } from '../../agent/owner.js';
import { watchPresence } from '../../agent/presence.js';
import { newToken } from '../../serve/access.js';
import { startServer } from '../../serve/index.js';
import { NumascopeService } from '../../service/index.js';
import { errnoCode } from '../../proc/errors.js';
import { EXIT_FAILURE, EXIT_OK, parseCommandLine, UsageError, type CliIO, type Command } from '../command.js';

const DEFAULT_FIRST_CLIENT_S = 60;
const DEFAULT_LINGER_S = 10;

function parseSeconds(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,5}(\.\d{1,3})?$/.test(text) || Number(text) <= 0) throw new UsageError(`--${name} "${text}" must be a number of seconds above 0`);
  return Number(text);
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

export const agentCommand: Command = {
  name: 'agent',
  help: `usage: numascope agent [--socket PATH] [--owner USER] [--first-client S] [--linger S]

The privileged half of the desktop window. The window runs as you, sandboxed, and can
read only your own processes; started as root for you (the window asks with pkexec),
this serves the window's requests and events (serve mode's API: POST /api/<channel>,
GET /api/events) on a Unix socket only you can open:

  numascope: agent for uid UID listening on PATH

The socket is mode 0600 and yours, in a directory that is yours and mode 0700
(default /run/numascope-UID/agent.sock, created if missing); beside it, agent.token
(0600) holds the token every request must also carry. The agent refuses to start if
the directory is a symbolic link, belongs to someone else or is open to other users,
or if the socket path is a link or a live agent's socket. It exits, removing its
socket and token, when its client has been gone for --linger seconds, when none came
in the first --first-client seconds, or on SIGTERM or Ctrl-C.

options:
  --socket PATH      the socket to listen on (absolute path)
  --owner USER       whom the socket belongs to, by name or uid (default: the user
                     pkexec or sudo names in PKEXEC_UID or SUDO_UID, else yourself)
  --first-client S   seconds to wait for the first client (default ${DEFAULT_FIRST_CLIENT_S})
  --linger S         seconds to wait for a client to come back (default ${DEFAULT_LINGER_S})
  -h, --help

example:
  pkexec numascope agent`,
  async run(args: string[], io: CliIO) {
    const { values, positionals } = parseCommandLine(args, {
      socket: { type: 'string' },
      owner: { type: 'string' },
      'first-client': { type: 'string' },
      linger: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.socket !== undefined && !isAbsolute(values.socket)) throw new UsageError(`--socket "${values.socket}" must be an absolute path`);
    const firstClientMs = parseSeconds('first-client', values['first-client'], DEFAULT_FIRST_CLIENT_S) * 1000;
    const lingerMs = parseSeconds('linger', values.linger, DEFAULT_LINGER_S) * 1000;
    let owner;
    try {
      owner = await resolveOwner(values.owner, process.env, process.getuid?.() ?? 0);
    } catch (error) {
      if (error instanceof OwnerError) throw new UsageError(error.message);
      throw error;
    }
    const socketPath = values.socket ?? defaultAgentSocket(owner.uid);
    const tokenPath = tokenPathOf(socketPath);
    try {
      await prepareSocketPlace(socketPath, owner);
    } catch (error) {
      if (!(error instanceof UnsafePlaceError)) throw error;
      io.stderr(`numascope agent: refusing to start: ${error.message}\n`);
      return EXIT_FAILURE;
    }

    const token = newToken();
    await removeQuietly(tokenPath);
    await writeTokenFile(tokenPath, token, owner);
    const stop = new AbortController();
    const inner = new NumascopeService();
    const presence = watchPresence(inner, { firstClientMs, lingerMs, onGone: () => stop.abort() });
    // Created 0600 from the start (bind makes it 0777 less the umask): there is no moment
    // when the socket is open to others, and no chmod by path that a swapped link could redirect.
    const umask = process.umask(0o177);
    let server;
    try {
      server = await startServer({ service: presence.service, rendererDir: '/nonexistent', socket: socketPath, token });
    } finally {
      process.umask(umask);
    }
    await handOver(socketPath, owner);
    io.stdout(`numascope: agent for uid ${owner.uid} (${owner.source}) listening on ${socketPath}\n`);

    const stopped = new Promise<string>((resolve) => {
      io.signal.addEventListener('abort', () => resolve('signal'), { once: true });
      stop.signal.addEventListener('abort', () => resolve('client gone'), { once: true });
      if (io.signal.aborted) resolve('signal');
    });
    const why = await stopped;
    presence.stop();
    await server.close();
    await inner.close();
    await removeQuietly(socketPath);
    await removeQuietly(tokenPath);
    io.stderr(`numascope agent: stopped (${why})\n`);
    return EXIT_OK;
  },
};
