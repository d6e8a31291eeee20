/**
 * Building blocks for the contract's request schemas (valibot), each carrying the words its
 * refusals use. A message is the part after the field's path, so a refusal reads
 * `request.ranges[2].end must be a hex address ...`: `subject()` messages follow the path
 * after a space, `clause()` messages after a colon. app/common/ipc-validate.ts puts the
 * path in front.
 *
 * Objects are strict on purpose: unknown keys are refused rather than ignored (a typo in the
 * renderer should fail loudly, not be silently dropped), only plain objects are accepted
 * (no class instances, no strange prototypes), and the output is a fresh object holding
 * only the known keys.
 */
import * as v from 'valibot';
import { isHexAddress, type HexAddress } from './address.js';

/** Says what a received value was, briefly and without echoing long strings. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `the string "${value.slice(0, 40)}..."` : `the string "${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A message about the field itself: follows its path after a space. */
export function subject(text: string): string {
  return ` ${text}`;
}

/** A message about a relation between the fields of an object: follows its path after a colon. */
export function clause(text: string): string {
  return `: ${text}`;
}

/** `must ...` plus what was received, for every check of one field. */
function mustBe(expectation: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => subject(`must be ${expectation}, got ${describe(issue.input)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A plain object with exactly these keys (optional ones wrapped in `v.optional`). An own
 * `__proto__` key, as JSON.parse makes it, is an unknown key like any other.
 */
export function strictRecord<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const allowed = Object.keys(entries).join(', ') || 'none';
  const keyMessage = (issue: v.BaseIssue<unknown>): string =>
    issue.expected === 'never' ? subject(`has an unknown key "${String(issue.input)}" (allowed: ${allowed})`) : subject(`is missing ${String(issue.expected)}`);
  return v.pipe(v.custom<Record<string, unknown>>(isPlainObject, mustBe('an object')), v.strictObject(entries, keyMessage));
}

/** An integer in [min, max]; NaN and infinities are not integers. */
export function integer(min: number, max: number) {
  const message = mustBe(`an integer from ${min} to ${max}`);
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
}

export function boolean() {
  return v.boolean(mustBe('true or false'));
}

/** The request of a channel that takes none. */
export function noRequest() {
  return v.null(mustBe('null (this channel takes no request)'));
}

export type { HexAddress };

export function hexAddress() {
  return v.custom<HexAddress>(isHexAddress, mustBe('a hex address like "0x7f0000000000" (at most 16 hex digits)'));
}

/** [start, end) with end after start. */
export function addressRange() {
  return v.pipe(
    strictRecord({ start: hexAddress(), end: hexAddress() }),
    v.check(({ start, end }) => BigInt(end) > BigInt(start), (issue) => {
      const { start, end } = issue.input as { start: HexAddress; end: HexAddress };
      return clause(`end ${end} must lie after start ${start}`);
    }),
  );
}

/**
 * Between 1 and `max` items, each a `noun` shaped like `shape`; the count is checked before
 * any item is looked at, so an oversized list costs nothing.
 */
export function boundedList<TItem extends v.GenericSchema>(item: TItem, noun: string, shape: string, max: number) {
  return v.pipe(
    v.custom<unknown[]>(Array.isArray, mustBe(`an array of ${shape}`)),
    v.minLength(1, subject(`must hold at least one ${noun}`)),
    v.maxLength(max, (issue) => subject(`holds ${(issue.input as unknown[]).length} ${noun}s, more than the ${max} allowed`)),
    v.array(item),
  );
}

/** An identifier we handed out: letters, digits, "-" and "_", 1 to `maxLength` of them. */
export function identifier(name: string, maxLength: number) {
  const message = mustBe(`${name} (letters, digits, "-" and "_", at most ${maxLength})`);
  return v.pipe(v.string(message), v.minLength(1, message), v.maxLength(maxLength, message), v.regex(/^[A-Za-z0-9_-]+$/, message));
}

/** One of a fixed list of words. */
export function oneOf<const TOptions extends readonly string[]>(options: TOptions) {
  return v.picklist(options, mustBe(`one of ${options.map((option) => `"${option}"`).join(', ')}`));
}
