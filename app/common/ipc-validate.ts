/**
 * Checks every request that crosses a trust boundary (Electron IPC from the renderer, HTTP
 * in serve mode) before any handler sees it, with the channel's schema from
 * REQUEST_CONTRACT (app/common/ipc.ts; the rules are in app/common/wire-schema.ts). What
 * comes back is the schema's output: a fresh object holding only the known keys, so nothing
 * else the sender put on the value reaches the services.
 *
 * Pure TypeScript: runs in the main process, and in the renderer if it wants to check early.
 */
import * as v from 'valibot';
import { EVENT_CHANNELS, REQUEST_CHANNELS, REQUEST_CONTRACT, type EventChannel, type RequestChannel, type RequestOf, type Result } from './ipc.js';
import { describe } from './wire-schema.js';

export { REQUEST_LIMITS } from './ipc.js';

/** The error code of every refusal made here. */
export const INVALID_REQUEST = 'INVALID_REQUEST';

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}

export function invalidRequest<T>(message: string): Result<T> {
  return { ok: false, error: { code: INVALID_REQUEST, message } };
}

/**
 * `request.ranges[2].end`: where in the request the issue is. A missing or unknown key is
 * reported on the object that has (or lacks) it, so its own path item is left out.
 */
function pathOf(issue: v.BaseIssue<unknown>): string {
  let path = 'request';
  for (const item of issue.path ?? []) {
    if (item.type === 'object' && item.origin === 'key') break;
    path += typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`;
  }
  return path;
}

/**
 * The request, rebuilt from what was received, or INVALID_REQUEST with one line that names
 * the channel, the field and what was wrong, e.g.
 * `move:plan: request.ranges[2].end must be a hex address like "0x7f0000000000" ...`.
 */
export function validateRequest<C extends RequestChannel>(channel: C, value: unknown): Result<RequestOf<C>> {
  if (!isRequestChannel(channel)) return invalidRequest(`unknown channel ${typeof channel === 'string' ? JSON.stringify(channel) : describe(channel)}`);
  const schema: v.GenericSchema<unknown, RequestOf<C>> = REQUEST_CONTRACT[channel].request;
  // The first problem is enough for the one-line answer, and stops work on a bad request early.
  const parsed = v.safeParse(schema, value, { abortEarly: true });
  if (parsed.success) return { ok: true, value: parsed.output };
  const [issue] = parsed.issues;
  return invalidRequest(`${channel}: ${pathOf(issue)}${issue.message}`);
}
