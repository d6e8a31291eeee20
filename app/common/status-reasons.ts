/**
 * Plain-language explanations of what move_pages(2) reports per page and of the errors
 * move_pages(2) and migrate_pages(2) fail with as a whole. The CLI, the main process and the
 * renderer all show these, so this is pure data: no koffi, no node APIs.
 *
 * Numbers are Linux's generic errno values (x86, arm64, riscv, powerpc, s390); per-page
 * statuses carry them negated, as the kernel writes them.
 */

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EIO: 5,
  E2BIG: 7,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/**
 * Why a page is where it is, or why it was not moved. The kernel writes all of these except
 * EAGAIN, which numascope uses for a page the kernel accepted but left where it was (its
 * batch failed part-way and the kernel wrote no status for it).
 */
const PAGE_REASONS: Record<ErrnoName, string> = {
  ENOENT: 'no page is there: never touched (Linux 6.12 and later), swapped out, or not yet faulted in',
  EFAULT: 'no movable page at this address: outside every mapping, never touched (before Linux 6.12), the shared zero page, or a mapping the kernel does not migrate (VM_IO, VM_PFNMAP)',
  EACCES: 'page is shared with another process; moving it needs --all (MPOL_MF_MOVE_ALL) and CAP_SYS_NICE',
  EBUSY: 'page was busy (locked, under I/O, or part of a huge page being moved through another address) and stayed busy through every retry',
  EAGAIN: 'the kernel tried but could not migrate the page: it is pinned (e.g. by RDMA or io_uring), under writeback, or the target node ran out of free memory',
  ENOMEM: 'the target node had no free memory for this page',
  EIO: 'the page is dirty and could not be written back before moving it',
  EINVAL: 'the page belongs to a file system that cannot migrate dirty pages',
  EPERM: 'not allowed to move this page',
  ESRCH: 'the process exited',
  E2BIG: 'too many pages in one request',
  ENODEV: 'the target node does not exist or has no memory',
};

/** Whole-call failures of move_pages(2) and migrate_pages(2), with what to do about them. */
const CALL_REASONS: Record<'move_pages' | 'migrate_pages', Partial<Record<ErrnoName, string>>> = {
  move_pages: {
    EPERM: 'not permitted: moving pages of another user\'s process needs root or CAP_SYS_PTRACE, and --all (MPOL_MF_MOVE_ALL) needs CAP_SYS_NICE (run as root)',
    ESRCH: 'no such process (it exited)',
    ENODEV: 'the target node does not exist, is offline, or has no memory',
    EACCES: 'the target node is not in the process\'s allowed nodes (its cpuset\'s Mems_allowed_list)',
    EINVAL: 'invalid request: unsupported flags, or the process has no memory of its own (a kernel thread or an exiting process)',
    EFAULT: 'the kernel could not read the request arrays',
    ENOMEM: 'the kernel ran out of memory handling the request',
    E2BIG: 'too many pages in one request',
  },
  migrate_pages: {
    EPERM: 'not permitted: migrating another user\'s process needs root (CAP_SYS_NICE and CAP_SYS_PTRACE), and so does a target node outside the process\'s cpuset',
    ESRCH: 'no such process (it exited)',
    EINVAL: 'a target node has no memory, or a node number is out of range',
    EFAULT: 'the kernel could not read the node masks',
    ENOMEM: 'the kernel ran out of memory handling the request',
  },
};

function isErrnoName(code: string): code is ErrnoName {
  return Object.hasOwn(ERRNO, code);
}

/** 'ENOENT' for -2; 'E<n>' for numbers this table does not know. */
export function errnoNameOf(status: number): string {
  const value = Math.abs(status);
  for (const [name, number] of Object.entries(ERRNO)) if (number === value) return name;
  return `E${value}`;
}

export interface StatusExplanation {
  /** 'node' for a page on a node, else the errno name. */
  code: string;
  reason: string;
}

/** What a move_pages status means: "on node 1", or why the page was not moved. */
export function explainPageStatus(status: number): StatusExplanation {
  if (status >= 0) return { code: 'node', reason: `on node ${status}` };
  const code = errnoNameOf(status);
  return { code, reason: isErrnoName(code) ? PAGE_REASONS[code] : `the kernel reported error ${code}` };
}

/** A whole-call failure in words, e.g. for code 'EPERM' from move_pages. */
export function explainCallError(syscall: 'move_pages' | 'migrate_pages', code: string): string {
  const reason = isErrnoName(code) ? CALL_REASONS[syscall][code] : undefined;
  return reason ?? `${syscall} failed with ${code}`;
}

/** Statuses meaning "nothing there to move" rather than "could not move it". */
export function isNotPresentStatus(status: number): boolean {
  return status === -ERRNO.ENOENT || status === -ERRNO.EFAULT;
}
