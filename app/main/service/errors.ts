/** Errors as values: what a handler returns instead of throwing across IPC or HTTP. */
import type { Result, WireError } from '../../common/ipc.js';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure<T>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/**
 * Any thrown value as a wire error. ProcError, MigratorError and NativeError carry an errno
 * name or a numascope code in `code`; anything else is a bug, reported as INTERNAL with its
 * first line (the stack stays in the main process).
 */
export function toWireError(error: unknown): WireError {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && error.code !== '' ? error.code : 'INTERNAL';
  return { code, message };
}

export function failureOf<T>(error: unknown): Result<T> {
  return { ok: false, error: toWireError(error) };
}
