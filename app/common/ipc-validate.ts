/**
 * Checks every request that crosses a trust boundary (Electron IPC from the renderer, HTTP
 * in serve mode) before any handler sees it. Hand-written and strict on purpose: unknown
 * keys are refused rather than ignored (a typo in the renderer should fail loudly, not be
 * silently dropped), numbers are range-checked, addresses must be "0x.." hex, and the
 * result is a fresh object holding only the known keys, so nothing else the sender put on
 * the value (extra properties, a strange prototype) reaches the services.
 *
 * Pure TypeScript: runs in the main process, and in the renderer if it wants to check early.
 */
import {
  EVENT_CHANNELS,
  REQUEST_CHANNELS,
  type EventChannel,
  type HexAddress,
  type MovePlanRequest,
  type PollingRequest,
  type RequestChannel,
  type RequestOf,
  type Result,
  type WatchRequest,
  type WindowRequest,
  type WireRange,
} from './ipc.js';
import { MAX_WINDOW_BINS } from './placement-tiles.js';

export const REQUEST_LIMITS = {
  /** PID_MAX_LIMIT on 64-bit Linux (include/linux/threads.h). */
  maxPid: 4_194_304,
  minIntervalMs: 100,
  maxIntervalMs: 3_600_000,
  /** MAX_NUMNODES is at most 1024. */
  maxNode: 1023,
  maxRanges: 4096,
  /** Move ids are ours (see the service); anything longer or stranger is not one. */
  maxMoveIdLength: 64,
  /** Layout pages: 2^52 pages of 4 KiB is more address space than any CPU has. */
  maxLayoutPage: 2 ** 52,
  maxWindowBins: MAX_WINDOW_BINS,
} as const;

/** The error code of every refusal made here. */
export const INVALID_REQUEST = 'INVALID_REQUEST';

class Invalid extends Error {}

type Path = string;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `the string "${value.slice(0, 40)}..."` : `the string "${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The object's own keys, checked against the allowed ones; the object itself, typed loosely. */
function expectObject(value: unknown, path: Path, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Invalid(`${path} must be an object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      const known = [...required, ...optional].join(', ');
      throw new Invalid(`${path} has an unknown key "${key}" (allowed: ${known || 'none'})`);
    }
  }
  for (const key of required) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) throw new Invalid(`${path} is missing "${key}"`);
  }
  return value;
}

function expectInteger(value: unknown, path: Path, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Invalid(`${path} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function expectBoolean(value: unknown, path: Path): boolean {
  if (typeof value !== 'boolean') throw new Invalid(`${path} must be true or false, got ${describe(value)}`);
  return value;
}

const HEX = /^0x[0-9a-fA-F]{1,16}$/;

function expectHex(value: unknown, path: Path): { text: HexAddress; value: bigint } {
  if (typeof value !== 'string' || !HEX.test(value)) {
    throw new Invalid(`${path} must be a hex address like "0x7f0000000000" (at most 16 hex digits), got ${describe(value)}`);
  }
  return { text: value as HexAddress, value: BigInt(value) };
}

function expectRange(value: unknown, path: Path): WireRange {
  const object = expectObject(value, path, ['start', 'end']);
  const start = expectHex(object.start, `${path}.start`);
  const end = expectHex(object.end, `${path}.end`);
  if (end.value <= start.value) throw new Invalid(`${path}: end ${end.text} must lie after start ${start.text}`);
  return { start: start.text, end: end.text };
}

function expectRanges(value: unknown, path: Path): WireRange[] {
  if (!Array.isArray(value)) throw new Invalid(`${path} must be an array of {start, end}, got ${describe(value)}`);
  if (value.length === 0) throw new Invalid(`${path} must hold at least one range`);
  if (value.length > REQUEST_LIMITS.maxRanges) throw new Invalid(`${path} holds ${value.length} ranges, more than the ${REQUEST_LIMITS.maxRanges} allowed`);
  return value.map((range: unknown, i) => expectRange(range, `${path}[${i}]`));
}

function expectPid(value: unknown, path: Path): number {
  return expectInteger(value, path, 1, REQUEST_LIMITS.maxPid);
}

function expectInterval(value: unknown, path: Path): number {
  return expectInteger(value, path, REQUEST_LIMITS.minIntervalMs, REQUEST_LIMITS.maxIntervalMs);
}

const MOVE_ID = /^[A-Za-z0-9_-]+$/;

function expectMoveId(value: unknown, path: Path): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > REQUEST_LIMITS.maxMoveIdLength || !MOVE_ID.test(value)) {
    throw new Invalid(`${path} must be a move id (letters, digits, "-" and "_", at most ${REQUEST_LIMITS.maxMoveIdLength}), got ${describe(value)}`);
  }
  return value;
}

function expectNull(value: unknown, path: Path): null {
  if (value !== null) throw new Invalid(`${path} must be null (this channel takes no request), got ${describe(value)}`);
  return null;
}

function watchRequest(value: unknown, path: Path): WatchRequest {
  const object = expectObject(value, path, ['pid', 'intervalMs']);
  return { pid: expectPid(object.pid, `${path}.pid`), intervalMs: expectInterval(object.intervalMs, `${path}.intervalMs`) };
}

function pollingRequest(value: unknown, path: Path): PollingRequest {
  const object = expectObject(value, path, [], ['paused', 'intervalMs']);
  const request: PollingRequest = {};
  if (object.paused !== undefined) request.paused = expectBoolean(object.paused, `${path}.paused`);
  if (object.intervalMs !== undefined) request.intervalMs = expectInterval(object.intervalMs, `${path}.intervalMs`);
  return request;
}

function movePlanRequest(value: unknown, path: Path): MovePlanRequest {
  const object = expectObject(value, path, ['pid', 'startTime', 'ranges', 'toNode', 'moveAll']);
  return {
    pid: expectPid(object.pid, `${path}.pid`),
    startTime: expectInteger(object.startTime, `${path}.startTime`, 0, Number.MAX_SAFE_INTEGER),
    ranges: expectRanges(object.ranges, `${path}.ranges`),
    toNode: expectInteger(object.toNode, `${path}.toNode`, 0, REQUEST_LIMITS.maxNode),
    moveAll: expectBoolean(object.moveAll, `${path}.moveAll`),
  };
}

function windowRequest(value: unknown, path: Path): WindowRequest {
  const object = expectObject(value, path, ['from', 'to', 'pagesPerBin']);
  const from = expectInteger(object.from, `${path}.from`, 0, REQUEST_LIMITS.maxLayoutPage - 1);
  const to = expectInteger(object.to, `${path}.to`, 1, REQUEST_LIMITS.maxLayoutPage);
  const pagesPerBin = expectInteger(object.pagesPerBin, `${path}.pagesPerBin`, 1, REQUEST_LIMITS.maxLayoutPage);
  if (to <= from) throw new Invalid(`${path}: to ${to} must lie after from ${from}`);
  const bins = Math.ceil((to - from) / pagesPerBin);
  // The answer is sized by this, so it is the one limit that keeps answers small.
  if (bins > REQUEST_LIMITS.maxWindowBins) throw new Invalid(`${path} asks for ${bins} bins, more than the ${REQUEST_LIMITS.maxWindowBins} allowed: raise pagesPerBin`);
  return { from, to, pagesPerBin };
}

function moveIdRequest(value: unknown, path: Path): { moveId: string } {
  const object = expectObject(value, path, ['moveId']);
  return { moveId: expectMoveId(object.moveId, `${path}.moveId`) };
}

type Checkers = { [C in RequestChannel]: (value: unknown, path: Path) => RequestOf<C> };

const CHECKERS: Checkers = {
  'system:topology': expectNull,
  'process:list': expectNull,
  'process:watch': watchRequest,
  'process:unwatch': expectNull,
  'process:polling': pollingRequest,
  'placement:window': windowRequest,
  'placement:snapshot': expectNull,
  'move:plan': movePlanRequest,
  'move:start': movePlanRequest,
  'move:cancel': moveIdRequest,
  'move:undo': moveIdRequest,
};

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
 * The request, rebuilt from what was received, or INVALID_REQUEST with one line that names
 * the channel, the field and what was wrong, e.g.
 * `move:plan: request.ranges[2].end must be a hex address like "0x7f0000000000" ...`.
 */
export function validateRequest<C extends RequestChannel>(channel: C, value: unknown): Result<RequestOf<C>> {
  if (!isRequestChannel(channel)) return invalidRequest(`unknown channel ${typeof channel === 'string' ? JSON.stringify(channel) : describe(channel)}`);
  const check = CHECKERS[channel] as (value: unknown, path: Path) => RequestOf<C>;
  try {
    return { ok: true, value: check(value, 'request') };
  } catch (error) {
    if (error instanceof Invalid) return invalidRequest(`${channel}: ${error.message}`);
    throw error;
  }
}
