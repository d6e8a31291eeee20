/**
 * /proc/PID/pagemap read a window of pages at a time: 8 bytes a page, seen as little-endian
 * 32-bit halves (bit 63 present and bit 62 swapped live in the high word). Shared by the
 * scan's presence source and the incremental polls' presence walk.
 */
import { readSync } from 'node:fs';

export class PagemapWindow {
  /** The entries last read, two words each (low, high). */
  readonly words: Uint32Array;
  private readonly scratch: Buffer;

  constructor(
    private readonly fd: number,
    readonly windowPages: number,
  ) {
    this.scratch = Buffer.alloc(windowPages * 8);
    this.words = new Uint32Array(this.scratch.buffer, this.scratch.byteOffset, windowPages * 2);
  }

  /**
   * Reads the entries of pages [page, page + count) (count <= windowPages) into `words`;
   * returns how many were read, fewer than `count` when the range vanished under the read.
   */
  read(page: number, count: number): number {
    const bytes = count * 8;
    let done = 0;
    while (done < bytes) {
      const read = readSync(this.fd, this.scratch, done, bytes - done, BigInt(page) * 8n + BigInt(done));
      if (read === 0) break;
      done += read;
    }
    return Math.floor(done / 8);
  }
}
