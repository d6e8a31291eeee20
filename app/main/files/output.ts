/**
 * Writing a file the user named (`-o PATH`). What PATH is decides how:
 * - `-`, /dev/stdout, /dev/stderr (and their /dev/fd, /proc/self/fd forms): the process's own
 *   stream, so they work whatever fd 1 or 2 is (pipe, socket, terminal, file opened by the shell);
 * - a regular file, or a new name: replaced atomically (temp file beside it, fsync, rename),
 *   keeping the old file's permission bits and, where allowed, its owner and group;
 * - a symbolic link: followed; the file it points to is replaced atomically beside it and the
 *   link stays. A dangling link is refused rather than creating a file somewhere else;
 * - a character device, FIFO or socket: written to as a stream, in chunks, never replaced;
 * - a directory, a block device, a file in a kernel file system (/proc, /sys, ...): refused.
 * Every failure is one line naming the path and the real cause; a reader that goes away is a
 * BrokenPipeError, which the CLI turns into a quiet exit.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, rename, stat, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenPipeError, errnoCode, isBrokenPipe, osReason } from './errno.js';

/** A failure to write a user-named output, with a one-line message naming it. */
export class OutputError extends Error {
  override name = 'OutputError';
}

export interface OutputOptions {
  /** What is written, for messages: "cannot write snapshot PATH: ...". */
  what?: string;
  signal?: AbortSignal;
  /** Called once when a FIFO has no reader yet and the write waits for one. */
  onWaitingForReader?: (path: string) => void;
}

export type OutputKind = 'stdout' | 'stderr' | 'stream' | 'file';

export interface OutputResult {
  kind: OutputKind;
  /** The file actually replaced (a symbolic link's target), or the path as given. */
  written: string;
}

/** Pieces small enough that a pipe reader sees data early and Ctrl-C is noticed between them. */
const CHUNK_CHARS = 1 << 20;

const STANDARD_STREAMS: ReadonlyMap<string, 'stdout' | 'stderr'> = new Map([
  ['-', 'stdout'],
  ['/dev/stdout', 'stdout'],
  ['/dev/fd/1', 'stdout'],
  ['/proc/self/fd/1', 'stdout'],
  ['/dev/stderr', 'stderr'],
  ['/dev/fd/2', 'stderr'],
  ['/proc/self/fd/2', 'stderr'],
]);

/** File systems where a "file" is a kernel interface: writing there is never meant. */
const KERNEL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x1cd1, 'devpts'],
]);

/** UTF-8 chunks of `text`, never splitting a surrogate pair. */
function* utf8Chunks(text: string): Generator<Buffer> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + CHUNK_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield Buffer.from(text.slice(start, end), 'utf8');
    start = end;
  }
}

type Target =
  | { kind: 'standard'; stream: 'stdout' | 'stderr' }
  | { kind: 'file'; file: string; existing: Stats | undefined }
  | { kind: 'stream'; type: 'fifo' | 'character device' | 'socket' };

/** Writes `text` to the output named `path` (see the module comment for what each kind gets). */
export async function writeOutput(path: string, text: string, options: OutputOptions = {}): Promise<OutputResult> {
  const what = options.what ?? 'file';
  const fail = (reason: string, cause?: unknown): never => {
    throw new OutputError(`cannot write ${what} ${path}: ${reason}`.replace(/\s*[\r\n]+\s*/g, ' '), { cause });
  };
  if (path === '') fail('the name is empty');
  const target = await classify(path, fail);
  try {
    switch (target.kind) {
      case 'standard':
        await writeToStream(target.stream === 'stdout' ? process.stdout : process.stderr, text, options.signal);
        return { kind: target.stream, written: path };
      case 'stream':
        if (target.type === 'socket') await writeToSocket(path, text, options.signal);
        else await writeToDevice(path, target.type, text, options);
        return { kind: 'stream', written: path };
      case 'file':
        await replaceAtomically(target.file, target.existing, text, options.signal, fail);
        return { kind: 'file', written: target.file };
    }
  } catch (error) {
    if (error instanceof OutputError || error === options.signal?.reason) throw error;
    if (isBrokenPipe(error)) throw new BrokenPipeError(`cannot write ${what} ${path}: ${osReason(error)}`, { cause: error });
    return fail(osReason(error), error);
  }
}

/**
 * Refuses now what writeOutput would refuse later (a directory, a dangling link, a missing
 * directory, /proc...), so a long scan is not wasted on an output that cannot be written.
 */
export async function checkOutput(path: string, what = 'file'): Promise<void> {
  const fail = (reason: string, cause?: unknown): never => {
    throw new OutputError(`cannot write ${what} ${path}: ${reason}`.replace(/\s*[\r\n]+\s*/g, ' '), { cause });
  };
  if (path === '') fail('the name is empty');
  await classify(path, fail);
}

async function classify(path: string, fail: (reason: string, cause?: unknown) => never): Promise<Target> {
  const standard = STANDARD_STREAMS.get(path);
  if (standard !== undefined) return { kind: 'standard', stream: standard };
  if (path.endsWith(sep)) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) fail('a directory is in the way');
    return fail(`the name ends in "${sep}", which only a directory's name can`);
  }
  let link: Stats;
  try {
    link = await lstat(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return fail(osReason(error), error);
    const missing = await missingReason(path);
    if (missing !== undefined) return fail(missing, error);
    await refuseKernelFileSystem(path, fail);
    return { kind: 'file', file: path, existing: undefined };
  }
  let info = link;
  let file = path;
  if (link.isSymbolicLink()) {
    try {
      info = await stat(path);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') return fail(osReason(error), error);
      const to = await readlink(path).catch(() => '?');
      return fail(`it is a symbolic link to ${to}, which does not exist (numascope does not create files through a dangling link; name the file itself)`);
    }
    // Regular files are replaced beside the file the link points to, so the link survives.
    if (info.isFile()) file = await realpath(path).catch((error: unknown) => fail(osReason(error), error));
  }
  if (info.isDirectory()) fail('a directory is in the way');
  if (info.isBlockDevice()) fail('it is a block device; numascope does not write to disks');
  if (info.isFIFO()) return { kind: 'stream', type: 'fifo' };
  if (info.isCharacterDevice()) return { kind: 'stream', type: 'character device' };
  if (info.isSocket()) return { kind: 'stream', type: 'socket' };
  if (!info.isFile()) fail('it is neither a file, a pipe nor a device');
  await refuseKernelFileSystem(file, fail);
  return { kind: 'file', file, existing: info };
}

/** Why `path` cannot be created (the first part of it that is missing or not a directory), or undefined if it can. */
async function missingReason(path: string): Promise<string | undefined> {
  const full = resolve(path);
  const parts = full.split(sep).filter((part) => part !== '');
  let at: string = sep;
  for (const part of parts.slice(0, -1)) {
    at = join(at, part);
    let info: Stats;
    try {
      info = await stat(at);
    } catch (error) {
      return errnoCode(error) === 'ENOENT' ? `directory ${shown(path, at)} does not exist` : `${shown(path, at)}: ${osReason(error)}`;
    }
    if (!info.isDirectory()) return `${shown(path, at)} is not a directory`;
  }
  return undefined;
}

/** `at` as the user wrote it when the path was relative. */
function shown(path: string, at: string): string {
  if (path.startsWith(sep)) return at;
  const cwd = process.cwd();
  return at.startsWith(cwd + sep) ? at.slice(cwd.length + 1) : at;
}

async function refuseKernelFileSystem(file: string, fail: (reason: string) => never): Promise<void> {
  const dir = dirname(file);
  const info = await statfs(dir).catch(() => undefined);
  const name = info === undefined ? undefined : KERNEL_FILE_SYSTEMS.get(info.type);
  if (name !== undefined) fail(`${dir} is a kernel file system (${name}); its files are kernel interfaces, not a place to save to`);
}

async function createTemp(dir: string, name: string, fail: (reason: string, cause?: unknown) => never): Promise<{ temp: string; handle: FileHandle }> {
  // Same directory so the rename stays on one file system (and so stays atomic); a dot name
  // so file managers and globs skip it while it exists.
  const temp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    return { temp, handle: await open(temp, 'wx', 0o666) };
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return fail(`directory ${dir} does not exist`, error);
    if (code === 'EACCES' || code === 'EPERM') return fail(`permission denied to create files in ${dir}`, error);
    return fail(osReason(error), error);
  }
}

async function replaceAtomically(
  file: string,
  existing: Stats | undefined,
  text: string,
  signal: AbortSignal | undefined,
  fail: (reason: string, cause?: unknown) => never,
): Promise<void> {
  const dir = dirname(file);
  const { temp, handle } = await createTemp(dir, basename(file), fail);
  let unclosed: FileHandle | undefined = handle;
  let stage = 'write';
  try {
    if (existing !== undefined) await keepOwnerAndMode(handle, existing);
    for (const chunk of utf8Chunks(text)) {
      signal?.throwIfAborted();
      await writeAll(handle, chunk);
    }
    await handle.sync();
    await handle.close();
    unclosed = undefined;
    // Narrows the window in which the name could have become something else (a device, a
    // FIFO, a link) since it was looked at: such a thing is never renamed over.
    const now = await lstat(file).catch(() => undefined);
    if (now !== undefined && !now.isFile()) fail('it was replaced by something other than a regular file while the snapshot was written; left alone');
    stage = 'rename';
    await rename(temp, file);
  } catch (error) {
    await unclosed?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    if (error instanceof OutputError || error === signal?.reason) throw error;
    const code = errnoCode(error);
    if (stage === 'rename' && (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST')) fail('a directory is in the way', error);
    if (stage === 'rename' && (code === 'EACCES' || code === 'EPERM')) fail(`permission denied to replace it in ${dir}`, error);
    throw error;
  }
  // Makes the rename itself durable. Some file systems cannot fsync a directory; the data is
  // already safe on those, so failing here is not worth failing the write.
  try {
    const dirHandle = await open(dir, 'r');
    await dirHandle.sync().finally(() => dirHandle.close());
  } catch {
    // See above.
  }
}

/**
 * The new file gets the old one's permission bits (not set-id or sticky bits, as `cp` does)
 * and its owner and group where the kernel allows it: root can always, others can pick a
 * group they belong to. fchmod is not filtered by the umask, so a 600 file stays 600.
 */
async function keepOwnerAndMode(handle: FileHandle, existing: Stats): Promise<void> {
  if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
    await handle.chown(existing.uid, existing.gid).catch(async () => {
      await handle.chown(-1, existing.gid).catch(() => undefined);
    });
  }
  await handle.chmod(existing.mode & 0o777);
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset, null);
    offset += bytesWritten;
  }
}

/** Writes through a Node stream, one chunk at a time, waiting for each to be taken. */
async function writeToStream(stream: Writable, text: string, signal: AbortSignal | undefined): Promise<void> {
  // The process-level listener (cli/main.ts) decides what a broken stdout means; this one
  // only keeps an error without such a listener from becoming an uncaught exception.
  const swallow = (): void => undefined;
  stream.on('error', swallow);
  try {
    for (const chunk of utf8Chunks(text)) {
      signal?.throwIfAborted();
      await new Promise<void>((done, failed) => stream.write(chunk, (error) => (error ? failed(error) : done())));
    }
  } finally {
    stream.off('error', swallow);
  }
}

/**
 * FIFOs and character devices are opened for writing without O_CREAT or O_TRUNC and written in
 * chunks. A FIFO with no reader is waited for (as a shell's `>` does), but by polling with
 * O_NONBLOCK, so Ctrl-C still ends the wait.
 */
async function writeToDevice(path: string, type: 'fifo' | 'character device', text: string, options: OutputOptions): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_NOCTTY;
  let handle: FileHandle;
  if (type === 'fifo') {
    let told = false;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const probe = await open(path, flags | constants.O_NONBLOCK);
        // A reader is there: reopen blocking, so writes wait for the reader instead of failing.
        try {
          handle = await open(path, flags);
        } finally {
          await probe.close();
        }
        break;
      } catch (error) {
        if (errnoCode(error) !== 'ENXIO') throw error;
        if (!told) options.onWaitingForReader?.(path);
        told = true;
        await sleep(50, undefined, options.signal ? { signal: options.signal } : {}).catch(() => options.signal?.throwIfAborted());
      }
    }
  } else {
    handle = await open(path, flags);
  }
  try {
    for (const chunk of utf8Chunks(text)) {
      options.signal?.throwIfAborted();
      await writeAll(handle, chunk);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** A Unix socket file: connect to it as a stream client and send the text. */
async function writeToSocket(path: string, text: string, signal: AbortSignal | undefined): Promise<void> {
  const socket = createConnection({ path });
  try {
    await new Promise<void>((done, failed) => {
      socket.once('connect', done);
      socket.once('error', failed);
    });
    await writeToStream(socket, text, signal);
    await new Promise<void>((done) => socket.end(done));
  } finally {
    socket.destroy();
  }
}
