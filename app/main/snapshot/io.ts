/**
 * Snapshot files on disk. Writes go through files/output.ts: a regular file is replaced
 * atomically (a reader sees the old file or the new one, never a half-written one, even across
 * a crash), pipes and devices get a stream. Reads refuse oversized or odd files before reading
 * them, and with `streams` also read standard input, FIFOs and character devices, with the
 * size limit applied while reading. Every failure is a one-line SnapshotError that names the path.
 */
import { type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseSnapshot, serializeSnapshot } from '../../common/snapshot/codec.js';
import { SnapshotError } from '../../common/snapshot/error.js';
import { formatExactBytes } from '../../common/format.js';
import { DEFAULT_MAX_BYTES, type ParseOptions, type SnapshotFile } from '../../common/snapshot/schema.js';
import { osReason } from '../files/errno.js';
import { InputTooLargeError, isStandardInput, openFifoForReading, readHandleLimited, readStreamLimited } from '../files/input.js';
import { checkOutput, OutputError, writeOutput, type OutputOptions, type OutputResult } from '../files/output.js';

/**
 * Writes snapshot text to `path`: a regular file (or new name) atomically, keeping an existing
 * file's mode; `-` and /dev/stdout to standard output; a FIFO, character device or socket as a
 * stream. A reader that closes its pipe early gives a BrokenPipeError, anything else a SnapshotError.
 */
export async function writeSnapshotText(path: string, text: string, options: Omit<OutputOptions, 'what'> = {}): Promise<OutputResult> {
  try {
    return await writeOutput(path, text, { ...options, what: 'snapshot' });
  } catch (error) {
    if (error instanceof OutputError) throw new SnapshotError(error.message, { cause: error.cause });
    throw error;
  }
}

/** Throws the SnapshotError writeSnapshotText would, for outputs that cannot be written at all. */
export async function checkSnapshotOutput(path: string): Promise<void> {
  try {
    await checkOutput(path, 'snapshot');
  } catch (error) {
    if (error instanceof OutputError) throw new SnapshotError(error.message, { cause: error.cause });
    throw error;
  }
}

export async function writeSnapshotFile(path: string, file: SnapshotFile, options: Omit<OutputOptions, 'what'> = {}): Promise<OutputResult> {
  return writeSnapshotText(path, serializeSnapshot(file), options);
}

export interface ReadOptions extends ParseOptions {
  /**
   * Also read standard input (`-`, /dev/stdin), FIFOs and character devices, as the CLI does.
   * Off by default: a FIFO would block a caller that expects a file.
   */
  streams?: boolean;
  /** Ends a wait for a FIFO's writer or a slow stream. */
  signal?: AbortSignal;
  /** Standard input, for tests; process.stdin by default. */
  stdin?: Readable;
}

export async function readSnapshotFile(path: string, options: ReadOptions = {}): Promise<SnapshotFile> {
  const text = await readSnapshotText(path, options);
  try {
    return parseSnapshot(text, options);
  } catch (error) {
    if (error instanceof SnapshotError) throw new SnapshotError(`cannot read snapshot ${inputName(path, options)}: ${error.message}`, { cause: error });
    throw error;
  }
}

function inputName(path: string, options: ReadOptions): string {
  return options.streams && isStandardInput(path) ? 'standard input' : path;
}

/**
 * The text of a snapshot (or timeline) file, read under the snapshot's rules: the size limit,
 * streams when asked, UTF-8 only. Parsing is the caller's.
 */
export async function readSnapshotText(path: string, options: ReadOptions = {}, what = 'snapshot'): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const name = inputName(path, options);
  const refuse = (reason: string, cause?: unknown): never => {
    throw new SnapshotError(`cannot read ${what} ${name}: ${reason}`, { cause });
  };
  let bytes: Buffer;
  try {
    bytes = options.streams && isStandardInput(path) ? await readStandardInput(maxBytes, options) : await readBytes(path, maxBytes, options, refuse);
  } catch (error) {
    if (error instanceof SnapshotError || error === options.signal?.reason) throw error;
    if (error instanceof InputTooLargeError) return refuse(`the input is over the limit of ${formatExactBytes(maxBytes)}`, error);
    return refuse(osReason(error), error);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    return refuse(`not a numascope ${what}: the file is not UTF-8 text (compressed or binary?)`, error);
  }
}

async function readStandardInput(maxBytes: number, options: ReadOptions): Promise<Buffer> {
  return readStreamLimited(options.stdin ?? process.stdin, maxBytes, options.signal);
}

async function readBytes(path: string, maxBytes: number, options: ReadOptions, refuse: (reason: string, cause?: unknown) => never): Promise<Buffer> {
  const info: Stats = await stat(path);
  if (info.isDirectory()) refuse('it is a directory, not a file');
  if (options.streams && (info.isFIFO() || info.isCharacterDevice())) return readStream(path, info, maxBytes, options.signal);
  if (!info.isFile()) refuse(options.streams ? 'it is not a regular file, a pipe or a character device' : 'it is not a regular file');
  if (info.size > maxBytes) refuse(`the file is ${info.size} bytes, over the limit of ${formatExactBytes(maxBytes)}`);

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
      if (total > maxBytes) refuse(`the file grew over the limit of ${formatExactBytes(maxBytes)} while being read`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function readStream(path: string, info: Stats, maxBytes: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const handle = info.isFIFO() ? await openFifoForReading(path, signal) : await open(path, constants.O_RDONLY | constants.O_NOCTTY);
  try {
    return await readHandleLimited(handle, maxBytes, signal);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
