/** Errors the sampler reports, shared by the main thread and the sampler's worker thread. */

/** The process exited, or its pid now names another process (a new start time). */
export class TargetChangedError extends Error {
  override name = 'TargetChangedError';
  readonly code = 'ESRCH';
}

/** The process maps more pages than the sampler holds statuses for (see MAX_SAMPLED_PAGES). */
export class SamplerLimitError extends Error {
  override name = 'SamplerLimitError';
  readonly code = 'E2BIG';
}

/**
 * The sampler holds 2 bytes per mapped page (one Int16Array per region), so it refuses,
 * before allocating anything, to scan more than this many pages in all: 2^30 pages is 4 TiB of
 * 4 KiB pages and 2 GiB of statuses. A 64 TiB reservation is 2^34 pages, which no typed array
 * can hold here.
 */
export const MAX_SAMPLED_PAGES = 2 ** 30;
