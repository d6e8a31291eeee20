/** The extra numascope runs of the move bench (--variants), shared by its host and guest sides. */
import type { MoveOptions } from '../../app/main/migrator/index.js';

/**
 * The MoveOptions of a variant: a page count fixes MoveOptions.chunkPages, the word 'asked'
 * turns numa_maps placement off (every page is asked about). Null for anything else.
 */
export function variantOptions(variant: string): MoveOptions | null {
  if (variant === 'asked') return { numaMaps: false };
  const pages = Number(variant);
  return /^\d+$/.test(variant) && pages >= 1 ? { chunkPages: pages } : null;
}

/** How a variant is named in the results table. */
export function describeVariant(variant: string): string {
  return variant === 'asked' ? 'every page asked about (numaMaps: false)' : `chunkPages ${variant} (fixed)`;
}
