/**
 * Snapshot files on disk. Writes are atomic (a reader sees the old file or the new one,
 * never a half-written one, even across a crash); reads refuse oversized or odd files
 * before reading them. Every failure is a one-line SnapshotError that names the path.
 */
import { constants, type Stats } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { parseSnapshot, serializeSnapshot } from '../../common/snapshot/codec.js';
import { SnapshotError } from '../../common/snapshot/error.js';
import { formatBytes } from '../../common/snapshot/json.js';
import { DEFAULT_MAX_BYTES, type ParseOptions, type SnapshotFile } from '../../common/snapshot/schema.js';

function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason in words for the common cases; the errno name and message otherwise. */
function osReason(error: unknown): string {
  switch (errnoCode(error)) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return message.split('\n')[0] ?? message;
    }
  }
}

/** Writes `text` to `path` atomically: temp file in the same directory, fsync, rename. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  // Same directory so the rename stays on one file system (and so stays atomic); a dot name
  // so file managers and globs skip it while it exists.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  let stage = 'create';
  try {
    handle = await open(temp, 'wx', 0o666);
    stage = 'write';
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    stage = 'rename';
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (stage !== 'create') await unlink(temp).catch(() => undefined);
    const code = errnoCode(error);
    let reason = osReason(error);
    if (stage === 'create' && code === 'ENOENT') reason = `directory ${dir} does not exist`;
    else if (stage === 'create' && (code === 'EACCES' || code === 'EPERM')) reason = `permission denied to create files in ${dir}`;
    else if (stage === 'rename' && (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST')) reason = 'a directory is in the way';
    throw new SnapshotError(`cannot write snapshot ${path}: ${reason}`, { cause: error });
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

export async function writeSnapshotFile(path: string, file: SnapshotFile): Promise<void> {
  await writeTextAtomic(path, serializeSnapshot(file));
}

export async function readSnapshotFile(path: string, options: ParseOptions = {}): Promise<SnapshotFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const refuse = (reason: string, cause?: unknown): never => {
    throw new SnapshotError(`cannot read snapshot ${path}: ${reason}`, { cause });
  };

  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    return refuse(osReason(error), error);
  }
  if (info.isDirectory()) refuse('it is a directory, not a file');
  if (!info.isFile()) refuse('it is not a regular file');
  if (info.size > maxBytes) refuse(`the file is ${info.size} bytes, over the limit of ${formatBytes(maxBytes)}`);

  let bytes: Buffer;
  let handle: FileHandle | undefined;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO after the stat, opening must not hang.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const opened = await handle.stat();
    if (!opened.isFile()) refuse('it is not a regular file');
    // Read at most maxBytes + 1, whatever the size was a moment ago: the file may be growing.
    const chunks: Buffer[] = [];
    let total = 0;
    const chunkSize = Math.min(Math.max(opened.size + 1, 64 * 1024), 8 * 1024 * 1024);
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await handle.read(chunk, 0, chunkSize, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) refuse(`the file grew over the limit of ${formatBytes(maxBytes)} while being read`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    bytes = Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    return refuse(osReason(error), error);
  } finally {
    await handle?.close().catch(() => undefined);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    return refuse('not a numascope snapshot: the file is not UTF-8 text (compressed or binary?)', error);
  }
  try {
    return parseSnapshot(text, options);
  } catch (error) {
    if (error instanceof SnapshotError) refuse(error.message, error);
    throw error;
  }
}
