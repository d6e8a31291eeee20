/** Small numeric helpers for the benchmark: robust summaries and the reference's checksum. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [] };
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, samples: [...samples] };
}

const TWO_32 = 2 ** 32;
const FNV_PRIME_LOW = 0x1b3; // the 64-bit FNV prime is 2^40 + 0x1b3

/**
 * 64-bit FNV-1a over statuses taken as uint32, exactly as bench/reference.c computes it,
 * kept in two 32-bit halves because BigInt arithmetic costs ~100x more per page.
 */
export class Fnv64 {
  private low = 0x84222325;
  private high = 0xcbf29ce4;

  update(values: ArrayLike<number>): void {
    let low = this.low;
    let high = this.high;
    for (let i = 0; i < values.length; i++) {
      low = (low ^ (values[i] as number)) >>> 0;
      const product = low * FNV_PRIME_LOW; // < 2^41: exact in a double
      const carry = Math.floor(product / TWO_32);
      high = (Math.imul(high, FNV_PRIME_LOW) + carry + (low << 8)) >>> 0;
      low = product >>> 0;
    }
    this.low = low;
    this.high = high;
  }

  hex(): string {
    return this.high.toString(16).padStart(8, '0') + this.low.toString(16).padStart(8, '0');
  }
}

/** p-th percentile (0..100) of already collected values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
