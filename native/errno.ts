/**
 * Errno numbers as this platform's C library has them, read from koffi's table at run time.
 * The names numascope explains live in app/common/errno.ts (pure, shared with the renderer);
 * a unit test checks that its numbers agree with these.
 */
import koffi from 'koffi';

// koffi exposes the platform's errno table (name -> number); invert it once so
// kernel results can be reported by name, which is what the contract promises.
const byNumber = new Map<number, string>();
for (const [name, value] of Object.entries(koffi.os.errno)) {
  // Several names can share a number (EWOULDBLOCK/EAGAIN); keep the first, canonical one.
  if (!byNumber.has(value)) byNumber.set(value, name);
}

export function errnoName(errno: number): string {
  return byNumber.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

export function errnoNumber(name: string): number {
  const table = koffi.os.errno;
  const value = table[name];
  if (value === undefined) throw new Error(`unknown errno name ${name}`);
  return value;
}

export const ENOENT = errnoNumber('ENOENT');
export const ESRCH = errnoNumber('ESRCH');
export const EFAULT = errnoNumber('EFAULT');
export const EBUSY = errnoNumber('EBUSY');
export const EACCES = errnoNumber('EACCES');
export const ENOMEM = errnoNumber('ENOMEM');
export const EPERM = errnoNumber('EPERM');
export const EINVAL = errnoNumber('EINVAL');
export const ENODEV = errnoNumber('ENODEV');
export const E2BIG = errnoNumber('E2BIG');
export const EAGAIN = errnoNumber('EAGAIN');
export const EIO = errnoNumber('EIO');
export const ENOSPC = errnoNumber('ENOSPC');
export const EHOSTDOWN = errnoNumber('EHOSTDOWN');
