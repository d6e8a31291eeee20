/**
 * The one table of the errno values numascope shows: per-page statuses of move_pages(2) and
 * whole-call failures of move_pages(2) and migrate_pages(2). Names, numbers, the few words a
 * tooltip shows and the full explanations all come from here. Pure data: no koffi, no node
 * APIs, because the renderer shows these too (native/errno.ts reads the numbers from koffi,
 * and a unit test checks that both agree).
 *
 * Numbers are Linux's generic errno values (x86, arm64, riscv, powerpc, s390); per-page
 * statuses carry them negated, as the kernel writes them.
 */

export type SyscallName = 'move_pages' | 'migrate_pages';

interface ErrnoEntry {
  number: number;
  /** A few words, for a tooltip beside the name. */
  short: string;
  /** Why a page has this status, or why it was not moved. */
  page: string;
  /** What a whole-call failure with this errno means, per system call that can fail so. */
  call: Partial<Record<SyscallName, string>>;
}

/**
 * The kernel writes every per-page status here except EAGAIN, which numascope uses for a page
 * the kernel accepted but left where it was (its batch failed part-way and the kernel wrote
 * no status for it).
 */
const TABLE = {
  EPERM: {
    number: 1,
    short: 'not permitted',
    page: 'not allowed to move this page',
    call: {
      move_pages: 'not permitted: moving pages of another user\'s process needs root or CAP_SYS_PTRACE, and --all (MPOL_MF_MOVE_ALL) needs CAP_SYS_NICE (run as root)',
      migrate_pages: 'not permitted: migrating another user\'s process needs root (CAP_SYS_NICE and CAP_SYS_PTRACE), and so does a target node outside the process\'s cpuset',
    },
  },
  ENOENT: {
    number: 2,
    short: 'not present',
    page: 'no page is there: never touched (Linux 6.12 and later), swapped out, or not yet faulted in',
    call: {},
  },
  ESRCH: {
    number: 3,
    short: 'process exited',
    page: 'the process exited',
    call: { move_pages: 'no such process (it exited)', migrate_pages: 'no such process (it exited)' },
  },
  EIO: {
    number: 5,
    short: 'dirty, write-back failed',
    page: 'the page is dirty and could not be written back before moving it',
    call: {},
  },
  E2BIG: {
    number: 7,
    short: 'request too large',
    page: 'too many pages in one request',
    call: { move_pages: 'too many pages in one request' },
  },
  EAGAIN: {
    number: 11,
    short: 'could not migrate',
    page: 'the kernel tried but could not migrate the page: it is pinned (e.g. by RDMA or io_uring), under writeback, or the target node ran out of free memory',
    call: {},
  },
  ENOMEM: {
    number: 12,
    short: 'no memory on target',
    page: 'the target node had no free memory for this page',
    call: { move_pages: 'the kernel ran out of memory handling the request', migrate_pages: 'the kernel ran out of memory handling the request' },
  },
  EACCES: {
    number: 13,
    short: 'shared page',
    page: 'page is shared with another process; moving it needs --all (MPOL_MF_MOVE_ALL) and CAP_SYS_NICE',
    call: { move_pages: 'the target node is not in the process\'s allowed nodes (its cpuset\'s Mems_allowed_list)' },
  },
  EFAULT: {
    number: 14,
    short: 'no page / zero page',
    page: 'no movable page at this address: outside every mapping, never touched (before Linux 6.12), the shared zero page, or a mapping the kernel does not migrate (VM_IO, VM_PFNMAP)',
    call: { move_pages: 'the kernel could not read the request arrays', migrate_pages: 'the kernel could not read the node masks' },
  },
  EBUSY: {
    number: 16,
    short: 'busy',
    page: 'page was busy (locked, under I/O, or part of a huge page being moved through another address) and stayed busy through every retry',
    call: {},
  },
  ENODEV: {
    number: 19,
    short: 'no such node',
    page: 'the target node does not exist or has no memory',
    call: { move_pages: 'the target node does not exist, is offline, or has no memory' },
  },
  EINVAL: {
    number: 22,
    short: 'cannot migrate',
    page: 'the page belongs to a file system that cannot migrate dirty pages',
    call: {
      move_pages: 'invalid request: unsupported flags, or the process has no memory of its own (a kernel thread or an exiting process)',
      // mm/mempolicy.c kernel_migrate_pages: the target set is first cut down to the caller's
      // own cpuset (whose memory nodes only ever hold nodes with memory) and EINVAL when nothing
      // is left; get_nodes refuses bits above MAX_NUMNODES; a process without an mm is exiting.
      migrate_pages: 'none of the target nodes is a node numascope itself may allocate on (its own cpuset\'s memory nodes, which leave out offline and memory-less nodes), a node number is above the kernel\'s MAX_NUMNODES, or the process is exiting and has no memory left',
    },
  },
} as const satisfies Record<string, ErrnoEntry>;

export type ErrnoName = keyof typeof TABLE;

/** Errno numbers by name, e.g. ERRNO.EBUSY === 16. */
export const ERRNO = Object.fromEntries(Object.entries(TABLE).map(([name, entry]) => [name, entry.number])) as {
  readonly [K in ErrnoName]: (typeof TABLE)[K]['number'];
};

export const ERRNO_NAMES = Object.keys(TABLE) as ErrnoName[];

const NAME_BY_NUMBER = new Map<number, ErrnoName>(ERRNO_NAMES.map((name) => [TABLE[name].number, name]));

export function isErrnoName(code: string): code is ErrnoName {
  return Object.hasOwn(TABLE, code);
}

/** The table's name for a status or errno (sign ignored), or undefined for numbers it does not know. */
export function knownErrnoName(status: number): ErrnoName | undefined {
  return NAME_BY_NUMBER.get(Math.abs(status));
}

/** 'ENOENT' for -2; 'E<n>' for numbers this table does not know. */
export function errnoNameOf(status: number): string {
  return knownErrnoName(status) ?? `E${Math.abs(status)}`;
}

/** "not present" for ENOENT; undefined for codes the table does not know. */
export function shortReason(code: string): string | undefined {
  return isErrnoName(code) ? TABLE[code].short : undefined;
}

/** Why a page has this errno status; undefined for codes the table does not know. */
export function pageReason(code: string): string | undefined {
  return isErrnoName(code) ? TABLE[code].page : undefined;
}

/** What a whole-call failure of `syscall` with this errno means; undefined when the table has no entry. */
export function callReason(syscall: SyscallName, code: string): string | undefined {
  if (!isErrnoName(code)) return undefined;
  const call: Partial<Record<SyscallName, string>> = TABLE[code].call;
  return call[syscall];
}

/** "node 1", "ENOENT (-2)", or "errno -77" for statuses without a known name. */
export function describeStatus(status: number): string {
  if (status >= 0) return `node ${status}`;
  const name = knownErrnoName(status);
  return name === undefined ? `errno ${status}` : `${name} (${status})`;
}
