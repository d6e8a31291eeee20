/**
 * /proc/PID/pagemap: 8 bytes per virtual page. Bit 63 = present in RAM, bit 62 = swapped.
 * Reading it is far cheaper than asking move_pages about pages that are not there, which
 * is what makes scans of sparse processes (reserved far beyond what they touch) fast.
 */
import { open, type FileHandle } from 'node:fs/promises';

const PRESENT = 1 << 31; // bit 63 seen in the high 32-bit word
const SWAPPED = 1 << 30; // bit 62

export class PagemapReader {
  private constructor(private readonly handle: FileHandle) {}

  static async open(pid: number): Promise<PagemapReader> {
    return new PagemapReader(await open(`/proc/${pid}/pagemap`, 'r'));
  }

  /**
   * Marks in `present` (one byte per page, 1 = resident or swapped) the pages of
   * [firstPage, firstPage + count) where a page index is address / pageSize.
   * Swapped pages are reported too: move_pages answers for them (-ENOENT), and treating
   * them as queried keeps results identical to a full query.
   */
  async readPresent(firstPage: number, count: number, present: Uint8Array, scratch: Buffer): Promise<void> {
    if (scratch.length < count * 8) throw new Error('pagemap scratch buffer too small');
    const bytes = count * 8;
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await this.handle.read(scratch, done, bytes - done, firstPage * 8 + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    const words = new Uint32Array(scratch.buffer, scratch.byteOffset, count * 2);
    const entries = Math.floor(done / 8);
    for (let i = 0; i < entries; i++) present[i] = (words[2 * i + 1] as number) & (PRESENT | SWAPPED) ? 1 : 0;
    // Past a short read (the range vanished) every page counts as present, so it is queried.
    present.fill(1, entries, count);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
