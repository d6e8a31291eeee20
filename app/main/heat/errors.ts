/** No heat can be measured for this process here; the message says why in one line. */
export class HeatUnavailableError extends Error {
  override name = 'HeatUnavailableError';
}
