/** Seeded mutations of valid snapshot files, for fuzzing the readers. */
import { encodeSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { placement, random, region, samplePlacement, topology } from './helpers.js';

const base = [
  serializeSnapshot(encodeSnapshot({ placement: samplePlacement(), topology: topology(), tool: { name: 'numascope', version: '0.1.0' } })),
  serializeSnapshot(
    encodeSnapshot({
      placement: placement([region(0x400000n, Int16Array.from({ length: 3000 }, (_, i) => [0, 1, 2, -2, -14][i % 5] as number)), region(0x7f0000000000n, [1, 1, -2])]),
      topology: topology(),
    }),
  ),
];

const HUGE_NUMBERS = ['1e400', '-1e400', '9007199254740993', '18446744073709551616', '-0', '0.5', '1e-400', '4294967296', '-32769', '32768', '2147483648', '1152921504606846976'];

type Mutation = (text: string, next: () => number) => string;

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** Replaces one match of `pattern`, picked at random, by `replace(match)`; no match leaves the text alone. */
function replaceOne(text: string, pattern: RegExp, next: () => number, replace: (match: RegExpMatchArray) => string): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return text;
  const match = pick(matches, next);
  const index = match.index ?? 0;
  return text.slice(0, index) + replace(match) + text.slice(index + match[0].length);
}

function at(text: string, next: () => number): number {
  return Math.floor(next() * (text.length + 1));
}

const mutations: Record<string, Mutation> = {
  truncate: (text, next) => text.slice(0, at(text, next)),
  flipByte: (text, next) => {
    const i = Math.min(at(text, next), text.length - 1);
    return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << Math.floor(next() * 7))) + text.slice(i + 1);
  },
  randomChar: (text, next) => {
    const i = at(text, next);
    return text.slice(0, i) + pick(['"', '[', ']', '{', '}', ',', ':', '-', '0', '\\', '\u0000', '\ud800', 'é', ' '], next) + text.slice(i);
  },
  deleteSpan: (text, next) => {
    const i = at(text, next);
    return text.slice(0, i) + text.slice(i + 1 + Math.floor(next() * 40));
  },
  hugeNumber: (text, next) => replaceOne(text, /-?\d+/g, next, () => pick(HUGE_NUMBERS, next)),
  hugeRunCount: (text, next) =>
    replaceOne(text, /\[(\d+),(-?\d+)\]/g, next, (m) => `[${pick(['4503599627370496', '268435457', '17179869184', '0', '-1', '1e20'], next)},${m[2] ?? 0}]`),
  hugeAddress: (text, next) =>
    replaceOne(text, /"0x[0-9a-f]+"/g, next, () => pick(['"0xfffffffffffff000"', '"0x0"', '"0x1"', '"0x10000000000000000"', '"0x"'], next)),
  deepNesting: (text, next) => {
    const depth = 1 + Math.floor(next() * 20_000);
    const i = at(text, next);
    return text.slice(0, i) + '['.repeat(depth) + (next() < 0.5 ? ']'.repeat(depth) : '') + text.slice(i);
  },
  protoKey: (text, next) =>
    replaceOne(text, /"([A-Za-z0-9-]+)":/g, next, () => `${pick(['"__proto__"', '"constructor"', '"prototype"', '"toString"', '"hasOwnProperty"'], next)}:`),
  protoValue: (text, next) => replaceOne(text, /"([A-Za-z0-9-]+)":/g, next, (m) => `"__proto__":{"${m[1] ?? ''}":1,"polluted":true},${m[0]}`),
  manyRuns: (text, next) => replaceOne(text, /\[(\d+),(-?\d+)\]/g, next, (m) => `${'[1,0],'.repeat(Math.floor(next() * 20_000))}${m[0]}`),
};

const names = Object.keys(mutations);

export function mutated(seed: number): { name: string; text: string } {
  const next = random(seed);
  let text = pick(base, next);
  const applied: string[] = [];
  // Mostly one mutation, sometimes a few stacked.
  const rounds = next() < 0.8 ? 1 : 2 + Math.floor(next() * 3);
  for (let r = 0; r < rounds; r++) {
    const name = pick(names, next);
    applied.push(name);
    text = (mutations[name] as Mutation)(text, next);
  }
  return { name: applied.join('+'), text };
}
