/**
 * Synchronous kernel calls for the sampler's worker thread: move_pages in query mode and the
 * PAGEMAP_SCAN ioctl (Linux >= 6.7).
 *
 * Why synchronous: a worker that owns a whole scan has no event loop to keep responsive, so
 * koffi's async calls would only add their hand-off to koffi's own thread (about 29 µs a call
 * on the reference host) and a callback per call. And ioctl is variadic, which koffi cannot
 * call asynchronously at all. These functions block the calling thread for the length of the
 * system call: keep them off the main thread.
 *
 * ioctl is declared variadic (its real prototype) and called with an explicit 'void *' for
 * the third argument, so no assumption about the variadic calling convention is needed.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import koffi from 'koffi';
import { EINVAL } from './errno.js';
import { NativeError } from './index.js';
import { lazily, libnuma, MOVE_PAGES } from './libnuma.js';

/** PAGE_IS_* categories (include/uapi/linux/fs.h). */
export const PAGE_IS_WPALLOWED = 1 << 0;
export const PAGE_IS_WRITTEN = 1 << 1;
export const PAGE_IS_FILE = 1 << 2;
export const PAGE_IS_PRESENT = 1 << 3;
export const PAGE_IS_SWAPPED = 1 << 4;
export const PAGE_IS_PFNZERO = 1 << 5;
export const PAGE_IS_HUGE = 1 << 6;
/** Written since the last `echo 4 > /proc/PID/clear_refs` (or newly mapped). */
export const PAGE_IS_SOFT_DIRTY = 1 << 7;

/** sizeof(struct pm_scan_arg): twelve __u64 fields. */
const PM_SCAN_ARG_BYTES = 96;
/** sizeof(struct page_region): start, end, categories. */
const PAGE_REGION_BYTES = 24;
/** _IOWR('f', 16, struct pm_scan_arg). */
export const PAGEMAP_SCAN = ((3 << 30) | (PM_SCAN_ARG_BYTES << 16) | (0x66 << 8) | 16) >>> 0;

const TWO_32 = 2 ** 32;

const load = lazily(() => {
  const libc = koffi.load('libc.so.6');
  return {
    movePages: libnuma().func(MOVE_PAGES),
    ioctl: libc.func('int ioctl(int fd, unsigned long request, ...)'),
    madvise: libc.func('int madvise(void *addr, size_t length, int advice)'),
  };
});

/**
 * move_pages(2) in query mode for the first `count` addresses of `pages`, blocking the calling
 * thread. Statuses go to `status` (node id or negative errno per page).
 */
export function queryPagesSync(pid: number, count: number, pages: BigUint64Array, status: Int32Array): void {
  if (count === 0) return;
  if (count > pages.length || count > status.length) throw new NativeError('move_pages', EINVAL, `${count} pages for buffers of ${pages.length}/${status.length}`);
  const ret = Number(load().movePages(pid, count, pages, null, status, 0));
  if (ret < 0) throw new NativeError('move_pages', koffi.errno());
}

/** Where the kernel stopped and how many ranges it wrote, after one PAGEMAP_SCAN call. */
export interface ScanCall {
  ranges: number;
  /**
   * Where the walk stopped when the output vector filled up. Not to be trusted otherwise:
   * 6.18 can leave it short of the end of a walk that completed (see PagemapScanSource).
   */
  walkEnd: number;
}

/**
 * One PAGEMAP_SCAN caller with its own argument and output buffers, reused across calls.
 * Addresses are numbers: page-aligned addresses are exact in a double up to 2^64.
 */
export class PagemapScanner {
  private readonly arg: Buffer;
  private readonly argWords: Uint32Array;
  private readonly vec: Buffer;
  /** The output vector as 32-bit words: range i is words [6i, 6i + 6) (start, end, categories). */
  readonly words: Uint32Array;
  private readonly vecAddress: bigint;

  constructor(readonly capacity = 4096) {
    // Buffers from Buffer.alloc are never moved, so the vector's address stays valid.
    this.arg = Buffer.alloc(PM_SCAN_ARG_BYTES);
    this.argWords = new Uint32Array(this.arg.buffer, this.arg.byteOffset, PM_SCAN_ARG_BYTES / 4);
    this.vec = Buffer.alloc(capacity * PAGE_REGION_BYTES);
    this.words = new Uint32Array(this.vec.buffer, this.vec.byteOffset, (capacity * PAGE_REGION_BYTES) / 4);
    this.vecAddress = koffi.address(this.vec);
  }

  private setField(index: number, value: number): void {
    this.argWords[2 * index] = value % TWO_32;
    this.argWords[2 * index + 1] = Math.floor(value / TWO_32);
  }

  private field(words: Uint32Array, index: number): number {
    return (words[2 * index + 1] as number) * TWO_32 + (words[2 * index] as number);
  }

  /**
   * Ranges of pages in [start, end) with any category of `anyOf` and every one of `allOf`,
   * reporting the categories of `returnMask`. Stops early only when the output vector is full (see `walkEnd`).
   * Throws NativeError('ioctl(PAGEMAP_SCAN)') on failure: ENOTTY before Linux 6.7.
   */
  scan(fd: number, start: number, end: number, anyOf: number, returnMask: number, allOf = 0): ScanCall {
    this.arg.fill(0);
    this.setField(0, PM_SCAN_ARG_BYTES);
    this.setField(2, start);
    this.setField(3, end);
    this.argWords[10] = Number(this.vecAddress % BigInt(TWO_32));
    this.argWords[11] = Number(this.vecAddress / BigInt(TWO_32));
    this.setField(6, this.capacity);
    this.setField(9, allOf);
    this.setField(10, anyOf);
    this.setField(11, returnMask);
    const ret = load().ioctl(fd, PAGEMAP_SCAN, 'void *', this.arg) as number;
    if (ret < 0) throw new NativeError('ioctl(PAGEMAP_SCAN)', koffi.errno());
    return { ranges: ret, walkEnd: this.field(this.argWords, 4) };
  }
}

const MADV_HUGEPAGE = 14;

/**
 * Asks the kernel to back the aligned `blockBytes` blocks that lie wholly inside `array`'s
 * memory with transparent huge pages (MADV_HUGEPAGE). Writing a large, freshly allocated
 * status array otherwise takes one page fault per 4 KiB, which in a VM costs as much as the
 * scan's own work on sparse memory (16 MiB for a 32 GiB mapping: ~20 ms of faults here, ~6 ms
 * with huge pages). Only whole blocks inside the array are advised, so no other allocation's
 * memory is touched; the advice changes how memory is backed, never its contents. Returns
 * false when nothing was advised (array too small, THP disabled, or the call failed).
 */
export function adviseHugePages(array: ArrayBufferView, blockBytes: number): boolean {
  if (array.byteLength < blockBytes) return false;
  const blocks = wholeBlocks(array, blockBytes);
  if (blocks === null) return false;
  return (load().madvise(blocks.start, Number(blocks.end - blocks.start), MADV_HUGEPAGE) as number) === 0;
}

/**
 * The addresses [start, end) of the `blockBytes`-aligned blocks wholly inside `array`'s
 * memory, so advice never reaches another allocation's; null when there are none or the
 * array has no address.
 */
function wholeBlocks(array: ArrayBufferView, blockBytes: number): { start: bigint; end: bigint } | null {
  let address: bigint;
  try {
    address = koffi.address(array);
  } catch {
    return null;
  }
  const block = BigInt(blockBytes);
  const start = ((address + block - 1n) / block) * block;
  const end = ((address + BigInt(array.byteLength)) / block) * block;
  return end > start ? { start, end } : null;
}

const MADV_POPULATE_WRITE = 23;

/**
 * Faults in the pages that lie wholly inside `array`'s memory, on one of koffi's threads
 * (MADV_POPULATE_WRITE, Linux >= 5.14), and resolves once that is done: whether it was (false
 * when the kernel lacks it or nothing was whole). The kernel must zero fresh memory before its
 * first use; a sparse scan's new status array is mostly filled with one answer, and in the
 * test VM zeroing its 16 MiB on the scanning thread took up to 35 ms of an 80 ms scan. Started
 * when the array is made, the zeroing runs beside the scan instead, `stepBytes` at a time from
 * the end backwards: the scan fills the array from the start, so the two meet instead of
 * waiting for each other's pages. Contents never change: pages the scan has already written
 * are left as they are.
 */
export async function prefault(array: ArrayBufferView, pageSize: number, stepBytes = 2 << 20): Promise<boolean> {
  const pages = wholeBlocks(array, pageSize);
  if (pages === null) return false;
  const { start } = pages;
  let { end } = pages;
  const step = BigInt(Math.max(pageSize, stepBytes - (stepBytes % pageSize)));
  const madvise = load().madvise;
  while (end > start) {
    const from = end - step > start ? end - step : start;
    const ok = await new Promise<boolean>((resolve) => {
      madvise.async(from, Number(end - from), MADV_POPULATE_WRITE, (err: unknown, ret: number) => resolve(!err && ret === 0));
    });
    if (!ok) return false;
    end = from;
  }
  return true;
}


/**
 * Whether this kernel keeps soft-dirty bits (CONFIG_MEM_SOFT_DIRTY): a page this process has
 * just written must show bit 55 in its pagemap entry, because nothing ever cleared this
 * process's bits. Without the option the bit is always 0 and clear_refs 4 does nothing.
 */
export function kernelTracksSoftDirty(): boolean {
  const probe = Buffer.alloc(3 * 4096, 1);
  probe[4096] = 2;
  const pageSize = 4096n;
  const page = (koffi.address(probe) + 4096n) / pageSize;
  const entry = Buffer.alloc(8);
  const fd = openSync('/proc/self/pagemap', 'r');
  try {
    if (readSync(fd, entry, 0, 8, page * 8n) !== 8) return false;
  } finally {
    closeSync(fd);
  }
  const high = entry.readUInt32LE(4);
  // Present (bit 63) and soft-dirty (bit 55).
  return (high & (1 << 31)) !== 0 && (high & (1 << 23)) !== 0;
}
