/** OS errors in words, for the one-line messages every file operation ends with. */
import { errnoCode } from '../proc/errors.js';

export { errnoCode };

/** The reason in words for the common cases; the errno name and message otherwise. */
export function osReason(error: unknown): string {
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
    case 'EPIPE':
      return 'the reader closed the pipe';
    case 'EBADF':
      return 'the file descriptor is not open for writing';
    case 'ENXIO':
      return 'no such device or address (nothing is listening on it)';
    case 'EIO':
      return 'input/output error';
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return message.split('\n')[0] ?? message;
    }
  }
}

/**
 * The reader of a pipe went away. Not worth a message: like `cat` or `grep` killed by
 * SIGPIPE, the command stops quietly and exits 128 + SIGPIPE.
 */
export class BrokenPipeError extends Error {
  override name = 'BrokenPipeError';
  readonly code = 'EPIPE';
}

export const EXIT_BROKEN_PIPE = 128 + 13;

export function isBrokenPipe(error: unknown): boolean {
  return errnoCode(error) === 'EPIPE';
}
