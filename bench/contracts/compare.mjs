#!/usr/bin/env node
// Compares schema libraries on what the IPC contract needs (docs/architecture.md, "Contracts"):
// the bytes each adds to a minified browser bundle, the time to validate the largest request
// (move:start with 4096 ranges), and whether unknown keys, an own __proto__ key, arrays and
// class instances are refused. The rivals are not dependencies; install them first with
//   npm install --no-save zod typebox
// then: npm run build && node bench/contracts/compare.mjs
// Variants whose library is missing are skipped. "numascope" is the contract as built (dist/).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
if (process.argv.includes('--help')) {
  console.log('usage: node bench/contracts/compare.mjs\n  bundle size, speed and strictness of the schema library candidates');
  process.exit(0);
}

const VARIANTS = ['valibot', 'zod-mini', 'zod', 'typebox', 'typebox-compiled'];

/** Bytes of the bundle that come from node_modules, by package. */
async function libraryBytes(entry) {
  const result = await build({
    stdin: { contents: `import { validate, schemas } from ${JSON.stringify(entry)}; globalThis.keep = [validate, schemas];`, resolveDir: here },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  let bytes = 0;
  for (const [path, input] of Object.entries(output.inputs)) if (path.includes('node_modules/')) bytes += input.bytesInOutput;
  return bytes;
}

// The machine may be shared: the fastest of many short batches is the figure least disturbed by others.
function microseconds(run, iterations) {
  for (let i = 0; i < 20; i++) run();
  const perBatch = Math.max(1, Math.floor(iterations / 30));
  let best = Infinity;
  for (let batch = 0; batch < 30; batch++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / perBatch / 1e3);
  }
  return best;
}

const ranges = Array.from({ length: 4096 }, (_, i) => {
  const start = 0x7f0000000000 + i * 0x200000;
  return { start: `0x${start.toString(16)}`, end: `0x${(start + 0x1000).toString(16)}` };
});
const largest = JSON.parse(JSON.stringify({ pid: 1234, startTime: 5678, ranges, toNode: 1, moveAll: false }));
const badAtTheEnd = JSON.parse(JSON.stringify({ ...largest, ranges: [...ranges.slice(0, 4095), { start: '0x1000', end: '0x2000', node: 1 }] }));
class Sneaky {
  pid = 1;
  intervalMs = 100;
}
const MUST_REFUSE = {
  'an unknown key': ['move:start', badAtTheEnd],
  'an own __proto__ key': ['process:watch', JSON.parse('{"pid":1,"intervalMs":100,"__proto__":{"admin":true}}')],
  'an array': ['process:watch', Object.assign([], { pid: 1, intervalMs: 100 })],
  'a class instance': ['process:watch', new Sneaky()],
};

async function measure(name, module, entry) {
  const { validate } = module;
  if (!validate('move:start', largest).ok) throw new Error(`${name} refuses a good request`);
  const accepts = Object.entries(MUST_REFUSE)
    .filter(([, [channel, value]]) => validate(channel, value).ok)
    .map(([what]) => what);
  return {
    variant: name,
    'library bytes': entry ? await libraryBytes(entry) : '',
    'move:start 4096 ranges, ms': (microseconds(() => validate('move:start', largest), 300) / 1e3).toFixed(2),
    'refused at the last range, ms': (microseconds(() => validate('move:start', badAtTheEnd), 300) / 1e3).toFixed(2),
    'placement:window, µs': microseconds(() => validate('placement:window', { from: 0, to: 4194304, pagesPerBin: 64 }), 100000).toFixed(2),
    'accepts what it should refuse': accepts.join(', ') || 'nothing',
  };
}

const rows = [];
const built = join(root, 'dist', 'app', 'common', 'ipc-validate.js');
if (existsSync(built)) {
  const contract = await import(pathToFileURL(built).href);
  rows.push(await measure('numascope', { validate: (channel, value) => contract.validateRequest(channel, value) }, null));
} else {
  console.error('compare: no dist/ (run npm run build) - numascope row skipped');
}
for (const variant of VARIANTS) {
  const entry = `./variants/${variant}.mjs`;
  let module;
  try {
    module = await import(entry);
  } catch (error) {
    console.error(`compare: ${variant} skipped (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    continue;
  }
  rows.push(await measure(variant, module, entry));
}
console.table(rows);
