/** Errors the sampler reports, shared by the main thread and the sampler's worker thread. */

/** The process exited, or its pid now names another process (a new start time). */
export class TargetChangedError extends Error {
  override name = 'TargetChangedError';
  readonly code = 'ESRCH';
}

/**
 * The process has more pages whose statuses differ from their neighbours' than the sampler
 * holds one by one (MAX_HELD_PAGES in app/common/status-store.ts). The address span mapped is
 * never a reason: blocks whose pages agree cost one status each.
 */
export class SamplerLimitError extends Error {
  override name = 'SamplerLimitError';
  readonly code = 'E2BIG';
}
