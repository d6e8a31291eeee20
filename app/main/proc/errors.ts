/**
 * Errors from reading /proc/PID/*: one typed error whose `code` is the errno name, so
 * callers (CLI, IPC, UI) can tell "the process is gone" from "you may not look at it".
 */
import { access, readFile } from 'node:fs/promises';

/** A failure about one process, with a machine-readable code; the readers' and the migrator's errors. */
export class ProcessError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly pid: number;
  constructor(code: Code, pid: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.pid = pid;
  }
}

/** code: the errno name: 'ESRCH' (no such process), 'EACCES' / 'EPERM' (not allowed), 'EINVAL', 'ENOENT', ... */
export class ProcError extends ProcessError {
  override name = 'ProcError';
}

export const PROC_ROOT = '/proc';

export function procPath(pid: number, file: string): string {
  return `${PROC_ROOT}/${pid}/${file}`;
}

/** The errno name an error carries as its string `code` (Node's fs errors, NativeError, ProcError, ...). */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function accessHint(pid: number): string {
  return `reading another user's process (pid ${pid}) needs the same uid or CAP_SYS_PTRACE (run as root)`;
}

/**
 * Turns an fs error on /proc/PID/... into a ProcError. ENOENT means the /proc/PID directory
 * is gone (the process exited, or never existed), so it becomes ESRCH, the errno the kernel's
 * own system calls give for a missing pid.
 */
export function toProcError(error: unknown, pid: number, path: string = procPath(pid, '')): ProcError {
  if (error instanceof ProcError) return error;
  const code = errnoCode(error);
  switch (code) {
    case 'ENOENT':
    case 'ESRCH':
      return new ProcError('ESRCH', pid, `no process with pid ${pid}`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new ProcError(code, pid, `cannot read ${path}: permission denied; ${accessHint(pid)}`, { cause: error });
    case undefined:
      return new ProcError('EIO', pid, `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    default:
      return new ProcError(code, pid, `cannot read ${path}: ${code}`, { cause: error });
  }
}

export function checkPid(pid: number): void {
  if (!Number.isInteger(pid) || pid <= 0 || pid > 0x3fffffff) throw new ProcError('EINVAL', pid, `bad pid ${pid}: expected a positive integer`);
}

/**
 * Reads /proc/PID/FILE as text with errors mapped to ProcError. A missing file in a live
 * process directory is not ESRCH: it means this kernel lacks the file (numa_maps needs
 * CONFIG_NUMA), which deserves its own message.
 */
export async function readProcText(pid: number, file: string): Promise<string> {
  checkPid(pid);
  const path = procPath(pid, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' && file !== '' && (await exists(procPath(pid, '')))) {
      throw new ProcError('ENOENT', pid, `${path} does not exist on this kernel`, { cause: error });
    }
    throw toProcError(error, pid, path);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Text from /proc or /sys that does not have the shape the kernel documents. */
export class ProcParseError extends Error {
  override name = 'ProcParseError';
}
