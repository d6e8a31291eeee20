/**
 * Plain-language explanations of what move_pages(2) reports per page and of the errors
 * move_pages(2) and migrate_pages(2) fail with as a whole, read from the errno table
 * (errno.ts). The CLI, the main process and the renderer all show these, so this stays pure:
 * no koffi, no node APIs.
 */
import { ERRNO, callReason, errnoNameOf, pageReason, type SyscallName } from './errno.js';

export { ERRNO, errnoNameOf, type ErrnoName } from './errno.js';

export interface StatusExplanation {
  /** 'node' for a page on a node, else the errno name. */
  code: string;
  reason: string;
}

/** What a move_pages status means: "on node 1", or why the page was not moved. */
export function explainPageStatus(status: number): StatusExplanation {
  if (status >= 0) return { code: 'node', reason: `on node ${status}` };
  const code = errnoNameOf(status);
  return { code, reason: pageReason(code) ?? `the kernel reported error ${code}` };
}

/** A whole-call failure in words, e.g. for code 'EPERM' from move_pages. */
export function explainCallError(syscall: SyscallName, code: string): string {
  return callReason(syscall, code) ?? `${syscall} failed with ${code}`;
}

/** Statuses meaning "nothing there to move" rather than "could not move it". */
export function isNotPresentStatus(status: number): boolean {
  return status === -ERRNO.ENOENT || status === -ERRNO.EFAULT;
}
