/**
 * The base page size. Node has no sysconf(_SC_PAGESIZE) and spawning getconf is not an
 * option in the services, so it comes from the kernel's own answer: AT_PAGESZ in this
 * process's ELF auxiliary vector (/proc/self/auxv), which is what libc's sysconf returns.
 * It is read once; 4096 (every x86-64 kernel, most arm64 ones) if auxv is unreadable.
 */
import { readFile } from 'node:fs/promises';
import { arch, endianness } from 'node:os';

const AT_NULL = 0n;
const AT_PAGESZ = 6n;
export const DEFAULT_PAGE_SIZE = 4096;

/** Finds AT_PAGESZ in auxv bytes: (type, value) pairs of native words, ending with AT_NULL. */
export function parseAuxvPageSize(auxv: Buffer, wordSize: 4 | 8 = 8, littleEndian: boolean = endianness() === 'LE'): number | null {
  const read = (offset: number): bigint => {
    if (wordSize === 8) return littleEndian ? auxv.readBigUInt64LE(offset) : auxv.readBigUInt64BE(offset);
    return BigInt(littleEndian ? auxv.readUInt32LE(offset) : auxv.readUInt32BE(offset));
  };
  for (let offset = 0; offset + 2 * wordSize <= auxv.length; offset += 2 * wordSize) {
    const type = read(offset);
    if (type === AT_NULL) break;
    if (type === AT_PAGESZ) {
      const value = Number(read(offset + wordSize));
      // A power of two from 4 KiB (x86) to 256 KiB (some ppc/hexagon configurations).
      return value >= 4096 && (value & (value - 1)) === 0 ? value : null;
    }
  }
  return null;
}

let cached: Promise<number> | undefined;

export function readPageSize(): Promise<number> {
  cached ??= (async () => {
    try {
      const wordSize = ['ia32', 'arm', 'mips', 'mipsel', 'ppc', 's390'].includes(arch()) ? 4 : 8;
      return parseAuxvPageSize(await readFile('/proc/self/auxv'), wordSize) ?? DEFAULT_PAGE_SIZE;
    } catch {
      return DEFAULT_PAGE_SIZE;
    }
  })();
  return cached;
}
