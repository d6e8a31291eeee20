/**
 * JSON.parse with the errors users need: a size limit checked before any parsing, and
 * syntax errors reported as one line with line and column. Engines word (and place) their
 * syntax errors differently and some give no position at all, so on failure we rescan the
 * text ourselves to find the first bad character.
 */
import { formatExactBytes } from '../format.js';
import { SnapshotError } from './error.js';

/** UTF-8 length of `text`, counting no further than `limit + 1` (we only care whether it fits). */
export function utf8Length(text: string, limit = Infinity): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function checkSize(text: string, maxBytes: number): void {
  // Every UTF-16 unit is at least one UTF-8 byte and at most three, so most texts are
  // settled by their length alone and only borderline ones need counting.
  if (text.length <= maxBytes / 3) return;
  if (text.length > maxBytes || utf8Length(text, maxBytes) > maxBytes) {
    throw new SnapshotError(`snapshot is larger than the limit of ${formatExactBytes(maxBytes)}; refusing to read it`);
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SnapshotError(describeSyntaxError(text, error), { cause: error });
  }
}

function describeSyntaxError(text: string, error: unknown): string {
  if (text.trim() === '') return 'not a numascope snapshot: the text is empty';
  const found = locateJsonError(text);
  if (found === null) {
    // Our scanner accepted what the engine refused; fall back to the engine's words.
    const reason = error instanceof Error ? error.message : String(error);
    return `not valid JSON: ${reason.slice(0, 200)}`;
  }
  const { line, column } = lineAndColumn(text, found.offset);
  if (found.offset >= text.length) {
    return `not valid JSON: the text ends at line ${line}, column ${column} before the JSON is complete (truncated file?)`;
  }
  return `not valid JSON at line ${line}, column ${column} (offset ${found.offset}): ${found.reason}`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const enum Container {
  Array,
  Object,
}

/**
 * Finds the first syntax error of RFC 8259 JSON. Iterative, so hostile nesting depth cannot
 * overflow the stack. Returns null when the text is valid.
 */
export function locateJsonError(text: string): { offset: number; reason: string } | null {
  const n = text.length;
  const stack: Container[] = [];
  let i = 0;

  const unexpected = (what = 'a value'): { offset: number; reason: string } => {
    if (i >= n) return { offset: n, reason: 'unexpected end of text' };
    const ch = text.charAt(i);
    const shown = ch >= ' ' && ch <= '~' ? `"${ch}"` : `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    return { offset: i, reason: `unexpected ${shown}, expected ${what}` };
  };
  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const digits = (): number => {
    const from = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i - from;
  };
  // Returns null on success, leaving i after the string.
  const scanString = (): { offset: number; reason: string } | null => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return { offset: i, reason: 'control character inside a string (strings must not span lines)' };
      if (c === 0x5c) {
        const e = text.charAt(i + 1);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            return i + 6 > n ? { offset: n, reason: 'unexpected end of text' } : { offset: i, reason: 'bad \\u escape in a string' };
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else return i + 1 >= n ? { offset: n, reason: 'unexpected end of text' } : { offset: i, reason: 'bad escape in a string' };
      } else i++;
    }
    return { offset: n, reason: 'unexpected end of text' };
  };

  for (;;) {
    // Expecting a value.
    skipSpace();
    if (i >= n) return unexpected();
    const ch = text.charAt(i);
    if (ch === '{') {
      i++;
      skipSpace();
      if (text.charAt(i) === '}') {
        i++;
      } else {
        if (text.charAt(i) !== '"') return unexpected('a property name in double quotes or "}"');
        const bad = scanString();
        if (bad) return bad;
        skipSpace();
        if (text.charAt(i) !== ':') return unexpected('":"');
        i++;
        stack.push(Container.Object);
        continue;
      }
    } else if (ch === '[') {
      i++;
      skipSpace();
      if (text.charAt(i) === ']') {
        i++;
      } else {
        stack.push(Container.Array);
        continue;
      }
    } else if (ch === '"') {
      const bad = scanString();
      if (bad) return bad;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      if (ch === '-') i++;
      if (text.charAt(i) === '0') i++;
      else if (digits() === 0) return unexpected('a digit');
      if (text.charAt(i) === '.') {
        i++;
        if (digits() === 0) return unexpected('a digit');
      }
      if (text.charAt(i) === 'e' || text.charAt(i) === 'E') {
        i++;
        if (text.charAt(i) === '+' || text.charAt(i) === '-') i++;
        if (digits() === 0) return unexpected('a digit');
      }
    } else {
      const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      if (word === undefined) {
        const partial = ['true', 'false', 'null'].some((w) => i + w.length > n && w.startsWith(text.slice(i)));
        return partial ? { offset: n, reason: 'unexpected end of text' } : unexpected();
      }
      i += word.length;
    }

    // After a value: close containers or move to the next element.
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return i >= n ? null : unexpected('the end of the text after the JSON value');
      }
      const c = text.charAt(i);
      if (top === Container.Array) {
        if (c === ']') {
          stack.pop();
          i++;
          continue;
        }
        if (c !== ',') return unexpected('"," or "]"');
        i++;
        break;
      }
      if (c === '}') {
        stack.pop();
        i++;
        continue;
      }
      if (c !== ',') return unexpected('"," or "}"');
      i++;
      skipSpace();
      if (text.charAt(i) !== '"') return unexpected('a property name in double quotes');
      const bad = scanString();
      if (bad) return bad;
      skipSpace();
      if (text.charAt(i) !== ':') return unexpected('":"');
      i++;
      break;
    }
  }
}
