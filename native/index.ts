/**
 * The only code in numascope that calls the kernel's NUMA system calls.
 *
 * Calls go through libnuma's thin syscall wrappers (libnuma.so.1) with koffi.
 * Every call runs on koffi's worker threads (`fn.async`), so a long query or
 * migration never blocks the JavaScript event loop; koffi restores the worker's
 * errno before the completion callback, which is where it is read.
 */
import koffi from 'koffi';
import { EINVAL, errnoName } from './errno.js';
import { lazily, libnuma, MOVE_PAGES, type NativeFunction } from './libnuma.js';

export { errnoName, errnoNumber } from './errno.js';
export * as errno from './errno.js';

/** move_pages flags (include/uapi/linux/mempolicy.h). */
export const MPOL_MF_MOVE = 2;
export const MPOL_MF_MOVE_ALL = 4;
/** get_mempolicy flags. */
export const MPOL_F_NODE = 1;
export const MPOL_F_ADDR = 2;
export const MPOL_F_MEMS_ALLOWED = 4;

/** Policy modes as get_mempolicy reports them. */
export const MPOL_MODES = ['default', 'preferred', 'bind', 'interleave', 'local', 'preferred-many', 'weighted-interleave'] as const;
export type MempolicyMode = (typeof MPOL_MODES)[number] | `unknown(${number})`;

export type MoveFlags = 0 | typeof MPOL_MF_MOVE | typeof MPOL_MF_MOVE_ALL;

export interface MovePagesResult {
  /** Pages the kernel could not migrate (0 in query mode). */
  notMoved: number;
  /** Per page: the node id (>= 0) or a negative errno. */
  status: Int32Array;
}

/** A whole-call failure, with the errno's name in `code` ('ESRCH', 'EPERM', ...). */
export class NativeError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  constructor(syscall: string, errno: number, detail?: string) {
    const code = errnoName(errno);
    super(`${syscall} failed: ${code}${detail ? ` (${detail})` : ''}`);
    this.name = 'NativeError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
  }
}

// Enough bits for any node id Linux allows (MAX_NUMNODES is at most 1024).
const NODEMASK_BITS = 1024;
const NODEMASK_WORDS = NODEMASK_BITS / 64;

const load = lazily(() => {
  const lib = libnuma();
  return {
    movePages: lib.func(MOVE_PAGES),
    migratePages: lib.func('long migrate_pages(int pid, unsigned long maxnode, const unsigned long *frommask, const unsigned long *tomask)'),
    getMempolicy: lib.func('long get_mempolicy(_Out_ int *mode, _Out_ unsigned long *nodemask, unsigned long maxnode, void *addr, unsigned long flags)'),
  };
});

function callAsync(fn: NativeFunction, args: unknown[]): Promise<{ ret: number; errno: number }> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, ret: number | bigint) => {
      if (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const value = Number(ret);
      resolve({ ret: value, errno: value < 0 ? koffi.errno() : 0 });
    });
  });
}

function checkPid(pid: number): void {
  if (!Number.isInteger(pid) || pid < 0 || pid > 0x7fffffff) throw new NativeError('move_pages', EINVAL, `bad pid ${pid}`);
}

function toPageArray(pages: BigUint64Array | readonly bigint[]): BigUint64Array {
  return pages instanceof BigUint64Array ? pages : BigUint64Array.from(pages);
}

/**
 * move_pages(2). With `nodes === null` it only asks where each page is (query mode).
 * `status` may be supplied to reuse a buffer across calls; it must hold `pages.length` entries.
 */
export async function movePages(
  pid: number,
  pages: BigUint64Array | readonly bigint[],
  nodes: Int32Array | null,
  flags: number = 0,
  status?: Int32Array,
): Promise<MovePagesResult> {
  checkPid(pid);
  const addresses = toPageArray(pages);
  const count = addresses.length;
  if (nodes !== null && nodes.length !== count) throw new NativeError('move_pages', EINVAL, `nodes has ${nodes.length} entries for ${count} pages`);
  const out = status ?? new Int32Array(count);
  if (out.length < count) throw new NativeError('move_pages', EINVAL, `status holds ${out.length} entries for ${count} pages`);
  if (count === 0) return { notMoved: 0, status: out };
  const { ret, errno } = await callAsync(load().movePages, [pid, count, addresses, nodes, out, flags]);
  if (ret < 0) throw new NativeError('move_pages', errno);
  return { notMoved: ret, status: out };
}

function nodeMask(nodes: readonly number[], what: string): BigUint64Array {
  const mask = new BigUint64Array(NODEMASK_WORDS);
  for (const node of nodes) {
    if (!Number.isInteger(node) || node < 0 || node >= NODEMASK_BITS) throw new NativeError('migrate_pages', EINVAL, `bad ${what} node ${node}`);
    const word = node >> 6;
    mask[word] = (mask[word] ?? 0n) | (1n << BigInt(node & 63));
  }
  return mask;
}

function maskToNodes(mask: BigUint64Array): number[] {
  const nodes: number[] = [];
  mask.forEach((word, index) => {
    for (let bit = 0; word !== 0n && bit < 64; bit++) {
      if ((word >> BigInt(bit)) & 1n) nodes.push(index * 64 + bit);
    }
  });
  return nodes;
}

/**
 * migrate_pages(2): move every page of `pid` on a node of `fromNodes` to the node at the
 * same position in `toNodes` (the kernel maps the sets onto each other). Returns the
 * number of pages that could not be moved.
 */
export async function migratePages(pid: number, fromNodes: readonly number[], toNodes: readonly number[]): Promise<number> {
  checkPid(pid);
  if (fromNodes.length === 0 || toNodes.length === 0) throw new NativeError('migrate_pages', EINVAL, 'empty node set');
  const from = nodeMask(fromNodes, 'source');
  const to = nodeMask(toNodes, 'target');
  // The kernel reads maxnode - 1 bits (libnuma passes size + 1 the same way).
  const { ret, errno } = await callAsync(load().migratePages, [pid, NODEMASK_BITS + 1, from, to]);
  if (ret < 0) throw new NativeError('migrate_pages', errno);
  return ret;
}

export interface Mempolicy {
  mode: MempolicyMode;
  nodes: number[];
}

/**
 * get_mempolicy(2) for the calling process. With MPOL_F_MEMS_ALLOWED, `nodes` are the
 * nodes this process may allocate on; with MPOL_F_ADDR|MPOL_F_NODE and an address, `mode`
 * is replaced by the node the page at `addr` sits on (reported in `nodes[0]`).
 */
export async function getMempolicy(flags: number = 0, addr: bigint = 0n): Promise<Mempolicy> {
  const mode = new Int32Array(1);
  const mask = new BigUint64Array(NODEMASK_WORDS);
  const { ret, errno } = await callAsync(load().getMempolicy, [mode, mask, NODEMASK_BITS + 1, addr === 0n ? null : addr, flags]);
  if (ret < 0) throw new NativeError('get_mempolicy', errno);
  const raw = mode[0] ?? 0;
  if ((flags & MPOL_F_NODE) !== 0 && (flags & MPOL_F_ADDR) !== 0) return { mode: 'default', nodes: [raw] };
  // Mode flags (MPOL_F_STATIC_NODES etc.) live in the high bits.
  const base = raw & 0xff;
  const name = MPOL_MODES[base];
  return { mode: name ?? `unknown(${base})`, nodes: maskToNodes(mask) };
}
