/** No heat can be measured for this process here; the message says why in one line. */
export class HeatUnavailableError extends Error {
  override name = 'HeatUnavailableError';
  /** What the service's error value carries (app/main/service/errors.ts reads `code`). */
  readonly code = 'NO_HEAT_SOURCE';
}
