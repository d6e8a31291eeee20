/** Errors the sampler reports, shared by the main thread and the sampler's worker thread. */

/** The process exited, or its pid now names another process (a new start time). */
export class TargetChangedError extends Error {
  override name = 'TargetChangedError';
  readonly code = 'ESRCH';
}
