/**
 * JSON text -> value, like JSON.parse, except that the `runs` of each region
 * (root.vmas[i].runs) are read straight into typed arrays (RunList) when long: a file of
 * 30 million runs then needs about 16 bytes a run instead of JSON.parse's ~120, and no
 * garbage collection of 30 million small arrays. Iterative, so nesting depth cannot overflow
 * the stack. Returns null on any syntax error; the caller then asks JSON.parse, whose failure
 * (and locateJsonError) gives the user's message.
 */
import { RunListBuilder } from './runs.js';

/** Runs lists shorter than this stay plain arrays of pairs (cheap, and simplest for callers). */
export const COMPACT_RUNS_FROM = 1024;

const enum Role {
  None,
  Root,
  Vmas,
  Vma,
}

interface Frame {
  object: Record<string, unknown> | null;
  array: unknown[] | null;
  key: string;
  role: Role;
}

class Syntax extends Error {}

export function parseSnapshotJson(text: string): unknown {
  try {
    return new Parser(text).parse();
  } catch (error) {
    if (error instanceof Syntax) return null;
    throw error;
  }
}

function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment to "__proto__" would set the prototype; JSON.parse makes it data.
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

class Parser {
  private i = 0;
  private readonly n: number;

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  private fail(): never {
    throw new Syntax();
  }

  private space(): void {
    const t = this.text;
    let i = this.i;
    while (i < this.n) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private string(): string {
    const t = this.text;
    const start = this.i; // at the opening quote
    let i = start + 1;
    let escaped = false;
    for (;;) {
      if (i >= this.n) this.fail();
      const c = t.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) this.fail();
      if (c === 0x5c) {
        escaped = true;
        i += 2;
      } else i++;
    }
    this.i = i + 1;
    if (!escaped) return t.slice(start + 1, i);
    try {
      return JSON.parse(t.slice(start, i + 1)) as string;
    } catch {
      return this.fail();
    }
  }

  private number(): number {
    const t = this.text;
    const start = this.i;
    let i = start;
    if (t.charCodeAt(i) === 0x2d) i++;
    const digitsFrom = i;
    while (i < this.n && t.charCodeAt(i) >= 0x30 && t.charCodeAt(i) <= 0x39) i++;
    if (i === digitsFrom || (t.charCodeAt(digitsFrom) === 0x30 && i - digitsFrom > 1)) this.fail();
    if (t.charCodeAt(i) === 0x2e) {
      const from = ++i;
      while (i < this.n && t.charCodeAt(i) >= 0x30 && t.charCodeAt(i) <= 0x39) i++;
      if (i === from) this.fail();
    }
    if (t.charCodeAt(i) === 0x65 || t.charCodeAt(i) === 0x45) {
      i++;
      if (t.charCodeAt(i) === 0x2b || t.charCodeAt(i) === 0x2d) i++;
      const from = i;
      while (i < this.n && t.charCodeAt(i) >= 0x30 && t.charCodeAt(i) <= 0x39) i++;
      if (i === from) this.fail();
    }
    this.i = i;
    return Number(t.slice(start, i));
  }

  /**
   * A small integer (at most 15 digits, so exact) at i, or NaN when the token is anything
   * else; advances past it only on success.
   */
  private smallInteger(): number {
    const t = this.text;
    let i = this.i;
    const negative = t.charCodeAt(i) === 0x2d;
    if (negative) i++;
    const from = i;
    let value = 0;
    while (i < this.n) {
      const c = t.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      i++;
    }
    const digits = i - from;
    if (digits === 0 || digits > 15 || (digits > 1 && t.charCodeAt(from) === 0x30)) return NaN;
    const next = t.charCodeAt(i);
    if (next === 0x2e || next === 0x65 || next === 0x45) return NaN;
    this.i = i;
    return negative ? (value === 0 ? -0 : -value) : value;
  }

  /** `[[count,status],...]` of small integers into a RunList; null (position unchanged) for anything else. */
  private runs(): unknown {
    const t = this.text;
    const start = this.i;
    const builder = new RunListBuilder();
    this.i++;
    this.space();
    if (t.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return [];
    }
    for (;;) {
      if (t.charCodeAt(this.i) !== 0x5b) break;
      this.i++;
      this.space();
      const count = this.smallInteger();
      if (Number.isNaN(count)) break;
      this.space();
      if (t.charCodeAt(this.i) !== 0x2c) break;
      this.i++;
      this.space();
      const status = this.smallInteger();
      // Out of int16 is out of range anyway: left to the plain path, which validation refuses.
      if (Number.isNaN(status) || status < -32768 || status > 32767) break;
      this.space();
      if (t.charCodeAt(this.i) !== 0x5d) break;
      this.i++;
      builder.push(count, status);
      this.space();
      const c = t.charCodeAt(this.i);
      if (c === 0x5d) {
        this.i++;
        return builder.finish(COMPACT_RUNS_FROM);
      }
      if (c !== 0x2c) break;
      this.i++;
      this.space();
    }
    this.i = start;
    return null;
  }

  parse(): unknown {
    const t = this.text;
    const stack: Frame[] = [];
    let role = Role.Root;
    for (;;) {
      // A value.
      this.space();
      if (this.i >= this.n) this.fail();
      const c = t.charCodeAt(this.i);
      let value: unknown;
      let opened: Frame | null = null;
      if (c === 0x7b) {
        this.i++;
        opened = { object: {}, array: null, key: '', role: role === Role.Root ? Role.Root : role === Role.Vma ? Role.Vma : Role.None };
      } else if (c === 0x5b) {
        const compact = role === Role.None && this.isRunsSlot(stack) ? this.runs() : null;
        if (compact !== null) value = compact;
        else {
          this.i++;
          opened = { object: null, array: [], key: '', role: role === Role.Vmas ? Role.Vmas : Role.None };
        }
      } else if (c === 0x22) value = this.string();
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) value = this.number();
      else if (t.startsWith('true', this.i)) {
        value = true;
        this.i += 4;
      } else if (t.startsWith('false', this.i)) {
        value = false;
        this.i += 5;
      } else if (t.startsWith('null', this.i)) {
        value = null;
        this.i += 4;
      } else this.fail();

      if (opened !== null) {
        this.space();
        const close = opened.object !== null ? 0x7d : 0x5d;
        if (t.charCodeAt(this.i) === close) {
          this.i++;
          value = opened.object ?? opened.array;
        } else {
          stack.push(opened);
          if (opened.object !== null) {
            role = this.key(opened);
          } else role = opened.role === Role.Vmas ? Role.Vma : Role.None;
          continue;
        }
      }

      // Store the value, then close containers or go on to the next element.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          this.space();
          if (this.i < this.n) this.fail();
          return value;
        }
        if (top.object !== null) setKey(top.object, top.key, value);
        else (top.array as unknown[]).push(value);
        this.space();
        const d = t.charCodeAt(this.i);
        if (d === 0x2c) {
          this.i++;
          if (top.object !== null) role = this.key(top);
          else role = top.role === Role.Vmas ? Role.Vma : Role.None;
          break;
        }
        if (d !== (top.object !== null ? 0x7d : 0x5d)) this.fail();
        this.i++;
        stack.pop();
        value = top.object ?? top.array;
      }
    }
  }

  /** Reads `"key":` for an object frame; returns the role of the value that follows. */
  private key(frame: Frame): Role {
    this.space();
    if (this.text.charCodeAt(this.i) !== 0x22) this.fail();
    frame.key = this.string();
    this.space();
    if (this.text.charCodeAt(this.i) !== 0x3a) this.fail();
    this.i++;
    if (frame.role === Role.Root && frame.key === 'vmas') return Role.Vmas;
    return Role.None;
  }

  /** The value about to be read is root.vmas[i].runs. */
  private isRunsSlot(stack: readonly Frame[]): boolean {
    const top = stack[stack.length - 1];
    return top !== undefined && top.role === Role.Vma && top.object !== null && top.key === 'runs' && stack.length === 3;
  }
}
