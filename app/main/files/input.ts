/**
 * Reading a user-named input that is a stream rather than a file: standard input (`-`,
 * /dev/stdin), a FIFO, a character device. The size limit is applied while reading, so an
 * endless source (/dev/zero, `yes |`) is cut off at the limit instead of filling memory.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

const STANDARD_INPUT = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** Whether `path` names this process's standard input, which is read as is (pipe, socket, tty or file). */
export function isStandardInput(path: string): boolean {
  return STANDARD_INPUT.has(path);
}

/** Thrown when a stream goes past `maxBytes`; the caller words the message. */
export class InputTooLargeError extends Error {
  override name = 'InputTooLargeError';
}

export async function readStreamLimited(stream: Readable, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stop = (): void => {
    stream.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      total += bytes.length;
      if (total > maxBytes) throw new InputTooLargeError(`over ${maxBytes} bytes`);
      chunks.push(bytes);
    }
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    // Stops reading: whatever is left is not wanted (a pipe writer then sees EPIPE, as with head).
    stream.destroy();
  }
  return Buffer.concat(chunks, total);
}

/** Reads an open handle to its end, refusing more than `maxBytes`. */
export async function readHandleLimited(handle: FileHandle, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    signal?.throwIfAborted();
    const chunk = Buffer.allocUnsafe(256 * 1024);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxBytes) throw new InputTooLargeError(`over ${maxBytes} bytes`);
    chunks.push(chunk.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks, total);
}

/**
 * Opens a FIFO for reading. Like `cat`, this waits for a writer; when `signal` aborts while
 * waiting, the FIFO is opened for writing once (without blocking) to release the pending open,
 * since an open in progress cannot be cancelled any other way.
 */
export async function openFifoForReading(path: string, signal?: AbortSignal): Promise<FileHandle> {
  signal?.throwIfAborted();
  const pending = open(path, constants.O_RDONLY);
  const release = (): void => {
    void open(path, constants.O_WRONLY | constants.O_NONBLOCK).then(
      (writer) => writer.close(),
      () => undefined,
    );
  };
  signal?.addEventListener('abort', release, { once: true });
  try {
    const handle = await pending;
    if (signal?.aborted) {
      await handle.close();
      signal.throwIfAborted();
    }
    return handle;
  } finally {
    signal?.removeEventListener('abort', release);
  }
}
