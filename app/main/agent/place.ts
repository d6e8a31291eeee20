/**
 * Where the agent's socket lives, and the checks that keep it private. The agent runs as
 * root for one user; its socket is that user's only, because:
 * - it sits in a directory owned by the user with mode 0700 (nobody else can even reach the
 *   socket's name), by default /run/numascope-UID/ (in root-owned /run, so no other user can
 *   put anything in its path);
 * - the socket itself is created with umask 177 (mode 0600) and then handed to the user with
 *   lchown, which never follows a link;
 * - the agent refuses a directory that is a symbolic link, not a directory, owned by someone
 *   else, or open to other users, and a socket path that is a link or anything but a stale
 *   socket of an earlier agent.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, lchown, unlink, chmod } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { errnoCode } from '../proc/errors.js';

export const SOCKET_NAME = 'agent.sock';
export const TOKEN_NAME = 'agent.token';

/** The place an agent for `uid` listens on unless told otherwise, and where the window looks. */
export function defaultAgentSocket(uid: number): string {
  return join('/run', `numascope-${uid}`, SOCKET_NAME);
}

/** The token file beside a socket. */
export function tokenPathOf(socketPath: string): string {
  return join(dirname(socketPath), TOKEN_NAME);
}

export class UnsafePlaceError extends Error {
  override name = 'UnsafePlaceError';
}

export interface Owner {
  uid: number;
  /** -1 leaves the group as it is (a uid with no passwd entry). */
  gid: number;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Why `dir` (just lstat'ed) may not hold `owner`'s socket, or null when it may. */
export function directoryProblem(dir: string, stats: { isSymbolicLink(): boolean; isDirectory(): boolean; uid: number; mode: number }, owner: Owner): string | null {
  if (stats.isSymbolicLink()) return `${dir} is a symbolic link: refusing to follow it`;
  if (!stats.isDirectory()) return `${dir} is not a directory`;
  if (stats.uid !== owner.uid) return `${dir} belongs to uid ${stats.uid}, not to uid ${owner.uid}`;
  if ((stats.mode & 0o022) !== 0) return `${dir} is writable by other users (mode ${octal(stats.mode)}): it must be 0700`;
  if ((stats.mode & 0o077) !== 0) return `${dir} can be entered by other users (mode ${octal(stats.mode)}): it must be 0700`;
  return null;
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Whether something answers on the socket at `path`. */
export function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Makes the socket's directory (0700, owned by `owner`) or checks the one there, and clears
 * a stale socket left by an agent that did not exit cleanly. Throws UnsafePlaceError with
 * the reason when the place is not private.
 */
export async function prepareSocketPlace(socketPath: string, owner: Owner): Promise<void> {
  const dir = dirname(socketPath);
  let stats = await lstatOrNull(dir);
  if (stats === null) {
    await mkdir(dir, { mode: 0o700 });
    // mkdir applies the umask: set the mode exactly, then hand the directory over.
    await chmod(dir, 0o700);
    await lchown(dir, owner.uid, owner.gid);
    stats = await lstat(dir);
  }
  const problem = directoryProblem(dir, stats, owner);
  if (problem) throw new UnsafePlaceError(problem);

  const existing = await lstatOrNull(socketPath);
  if (existing === null) return;
  if (existing.isSymbolicLink()) throw new UnsafePlaceError(`${socketPath} is a symbolic link: refusing to use it`);
  if ((existing.mode & constants.S_IFMT) !== constants.S_IFSOCK) throw new UnsafePlaceError(`${socketPath} exists and is not a socket`);
  if (await socketAnswers(socketPath)) throw new UnsafePlaceError(`an agent is already listening on ${socketPath}`);
  await unlink(socketPath);
}

/** Hands the socket (created with umask 177) to its owner; lchown so a swapped-in link gains nothing. */
export async function handOver(path: string, owner: Owner): Promise<void> {
  await lchown(path, owner.uid, owner.gid);
}

/**
 * The window's check before it trusts a socket it found: a socket (not a link), owned by
 * this uid, in a directory owned by this uid and closed to others. An agent started by the
 * user passes; anything another user could have placed does not.
 */
export async function checkFoundSocket(socketPath: string, uid: number): Promise<string | null> {
  const dir = dirname(socketPath);
  const dirStats = await lstatOrNull(dir);
  if (dirStats === null) return `${dir} does not exist`;
  const problem = directoryProblem(dir, dirStats, { uid, gid: -1 });
  if (problem) return problem;
  const stats = await lstatOrNull(socketPath);
  if (stats === null) return `${socketPath} does not exist`;
  if ((stats.mode & constants.S_IFMT) !== constants.S_IFSOCK) return `${socketPath} is not a socket`;
  if (stats.uid !== uid) return `${socketPath} belongs to uid ${stats.uid}`;
  return null;
}
