/**
 * Structure rules ESLint does not keep: no import cycles among the app's modules, and no
 * source file so long that a newcomer cannot read it in one sitting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../helpers/target.js';

const ROOTS = ['app', 'native'];
const MAX_LINES = 450;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = ROOTS.flatMap((root) => sources(join(repoRoot, root)));

/** Relative imports of a file that load code at run time (`import type` loads nothing). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) {
    if (match[2] !== undefined) continue;
    const spec = match[3] ?? match[4];
    if (spec === undefined) continue;
    const base = resolve(dirname(file), spec.replace(/\.js$/, ''));
    const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((path) => files.includes(path));
    if (target !== undefined) found.push(target);
  }
  return found;
}

/** The first cycle found by a depth-first walk, as a list of files, or null. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (state.get(node) === undefined) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

test('the cycle finder finds a cycle and passes a tree', () => {
  assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.equal(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), null);
});

test('no import cycle among the modules of app/ and native/', () => {
  const graph = new Map(files.map((file) => [file, imports(file)]));
  const cycle = findCycle(graph);
  assert.equal(cycle?.map((file) => relative(repoRoot, file)).join(' -> ') ?? null, null);
});

test(`no source file in app/ or native/ over ${MAX_LINES} lines`, () => {
  const long = files
    .map((file) => ({ file: relative(repoRoot, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES);
  assert.deepEqual(long, []);
});
