/**
 * Why a move or migration could not start. Once pages may have moved, the migrator returns a
 * result instead (with an outcome and a message), so the caller can still show and undo what
 * happened.
 */
import { ProcessError } from '../proc/errors.js';

export type MigratorErrorCode =
  /** The pid now names another process than the one the caller planned for. */
  | 'IDENTITY_CHANGED'
  /** Nothing mapped in the requested ranges. */
  | 'NOTHING_MAPPED'
  /** The caller's AbortSignal fired before any page was moved. */
  | 'ABORTED'
  /** A bad request: empty ranges, a negative node, ... */
  | 'BAD_REQUEST'
  /** An errno name: ESRCH, ENODEV, EACCES, EPERM, EINVAL, ... */
  | (string & {});

export class MigratorError extends ProcessError<MigratorErrorCode> {
  override name = 'MigratorError';
}

/** The errno name of a NativeError or ProcError (or anything with a string `code`). */
export { errnoCode as errorCode } from '../proc/errors.js';
