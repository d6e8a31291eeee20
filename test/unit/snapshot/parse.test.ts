import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlacement, encodeSnapshot, parseSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { locateJsonError } from '../../../app/common/snapshot/json.js';
import { errorOf, samplePlacement, topology } from './helpers.js';

const valid = serializeSnapshot(encodeSnapshot({ placement: samplePlacement(), topology: topology(), tool: { name: 'numascope', version: '0.1.0' } }));

/** `valid` with one exact substring replaced; fails loudly if the substring is not there. */
function edit(from: string, to: string): string {
  assert.ok(valid.includes(from), `fixture text lacks ${from}`);
  return valid.replace(from, to);
}

test('malformed files give one precise line each', () => {
  const cases: Array<[string, string]> = [
    ['truncated', valid.slice(0, Math.floor(valid.length / 2))],
    ['empty', ''],
    ['not json', 'hello'],
    ['trailing garbage', `${valid}}`],
    ['bad token', edit('"version": 1', '"version": 1,,')],
    ['top-level array', '[1, 2]'],
    ['no format', '{"version": 1}'],
    ['wrong format', edit('"format": "numascope-snapshot"', '"format": "other-tool"')],
    ['version 2', edit('"version": 1', '"version": 2')],
    ['version as string', edit('"version": 1', '"version": "1"')],
    ['missing kernel', edit('  "kernel": "6.18.0-numascope",\n', '')],
    ['missing pid', edit('"pid":4242,', '')],
    ['pid as string', edit('"pid":4242', '"pid":"4242"')],
    ['cmdline not array', edit('"cmdline":["postgres","-D","/var/lib/pg data","--name=été 😀"]', '"cmdline":"postgres -D"')],
    ['negative memTotal', edit('"memTotal":68719476736', '"memTotal":-1')],
    ['bad takenAt', edit('"takenAt": "2025-01-31T12:30:15.123Z"', '"takenAt": "yesterday"')],
    ['page size not a power of two', edit('"pageSize": 4096', '"pageSize": 5000')],
    ['negative run', edit('"runs":[[3,0],', '"runs":[[-3,0],')],
    ['fractional run', edit('"runs":[[3,0],', '"runs":[[2.5,0],')],
    ['run too long', edit('"runs":[[3,0],', '"runs":[[4,0],')],
    ['runs too short', edit('[1,-13],[1,-16]]', '[1,-13]]')],
    ['run not a pair', edit('[[4,-14]]', '[[4,-14,0]]')],
    ['status out of range', edit('[[1,1]]', '[[1,5000]]')],
    ['overlapping regions', edit('"end":"0x7f0000004000","perms":"rw-p"', '"end":"0x7f0000005000","perms":"rw-p"').replace('[[4,-14]]', '[[5,-14]]')],
    ['non-hex address', edit('"start":"0x7f0000000000"', '"start":"7f0000000000"')],
    ['hex too long', edit('"start":"0x7f0000000000"', '"start":"0x10000000000000000"')],
    ['unaligned address', edit('"start":"0x7f0000000000"', '"start":"0x7efffffffff0"')],
    ['end below start', edit('"end":"0x7f0000004000","perms":"rw-p"', '"end":"0x7f0000000000","perms":"rw-p"')],
    ['bad perms', edit('"perms":"r-xp"', '"perms":"rwx"')],
    ['unknown kind', edit('"kind":"stack"', '"kind":"gpu"')],
    ['byNode wrong', edit('"byNode":{"0":7', '"byNode":{"0":8')],
    ['byStatus missing an errno', edit(',"-16":1}', '}')],
    ['byStatus with a node key', edit('"byStatus":{', '"byStatus":{"3":0,')],
    ['missing totals', edit('"totals": {', '"totalz": {')],
    ['duplicate node', edit('{"id":1,', '{"id":0,')],
    ['oversized', valid],
  ];
  const messages = cases.map(([name, text]) => [name, errorOf(() => parseSnapshot(text, name === 'oversized' ? { maxBytes: 1000 } : {}))]);
  const truncatedAt = valid.slice(0, Math.floor(valid.length / 2)).split('\n');
  assert.deepEqual(messages, [
    ['truncated', `not valid JSON: the text ends at line ${truncatedAt.length}, column ${(truncatedAt.at(-1)?.length ?? 0) + 1} before the JSON is complete (truncated file?)`],
    ['empty', 'not a numascope snapshot: the text is empty'],
    ['not json', 'not valid JSON at line 1, column 1 (offset 0): unexpected "h", expected a value'],
    ['trailing garbage', `not valid JSON at line 27, column 1 (offset ${valid.length}): unexpected "}", expected the end of the text after the JSON value`],
    ['bad token', 'not valid JSON at line 3, column 16 (offset 51): unexpected ",", expected a property name in double quotes'],
    ['top-level array', 'not a numascope snapshot: the JSON is an array, not an object'],
    ['no format', 'not a numascope snapshot: it has no "format" field'],
    ['wrong format', 'not a numascope snapshot: its "format" is "other-tool", expected "numascope-snapshot"'],
    ['version 2', 'snapshot version 2 is not supported: this numascope reads version 1 only'],
    ['version as string', 'snapshot version "1" is not supported: this numascope reads version 1 only'],
    ['missing kernel', 'kernel: missing'],
    ['missing pid', 'process.pid: missing'],
    ['pid as string', 'process.pid: must be an integer >= 1, got "4242"'],
    ['cmdline not array', 'process.cmdline: must be an array, got "postgres -D"'],
    ['negative memTotal', 'nodes[0].memTotal: must be a non-negative integer, got -1'],
    ['bad takenAt', 'takenAt: must be an ISO 8601 time with a time zone like "2025-01-31T12:00:00.000Z", got "yesterday"'],
    ['page size not a power of two', 'pageSize: must be a power of two, got 5000'],
    ['negative run', 'vmas[0].runs[0]: run length must be a positive integer, got -3'],
    ['fractional run', 'vmas[0].runs[0]: run length must be a positive integer, got 2.5'],
    ['run too long', "vmas[0].runs[6]: run lengths reach 13 pages, more than the region's 12 ((end - start) / pageSize)"],
    ['runs too short', 'vmas[0].runs: run lengths add up to 11 pages but the region has 12 ((end - start) / pageSize)'],
    ['run not a pair', 'vmas[1].runs[0]: must be a [pageCount, status] pair, got an array'],
    ['status out of range', 'vmas[2].runs[0]: status must be an integer in [-4095, 4095] (a node id or a negative errno), got 5000'],
    ['overlapping regions', 'vmas[2]: starts at 0x7f0000004000, below the end of the previous region (0x7f0000005000): regions must be sorted by address and must not overlap'],
    ['non-hex address', 'vmas[1].start: must be a hex address string like "0x7f0000000000", got "7f0000000000"'],
    ['hex too long', 'vmas[1].start: must be a hex address string like "0x7f0000000000", got "0x10000000000000000"'],
    ['unaligned address', 'vmas[1].start: 0x7efffffffff0 is not aligned to the 4096-byte page size'],
    ['end below start', 'vmas[1]: end 0x7f0000000000 must be above start 0x7f0000000000'],
    ['bad perms', 'vmas[2].perms: must look like "rw-p", got "rwx"'],
    ['unknown kind', 'vmas[3].kind: must be one of heap, stack, thread-stack, vdso, vvar, vsyscall, file, anon, named-anon, shmem, hugetlb, special, got "gpu"'],
    ['byNode wrong', 'totals.byNode["0"]: says 8 pages but the runs hold 7'],
    ['byStatus missing an errno', 'totals.byStatus: has no entry for status -16, but the runs hold 1 page with it'],
    ['byStatus with a node key', 'totals.byStatus: key "3" is not a negative errno'],
    ['missing totals', 'totals: missing'],
    ['duplicate node', 'nodes[1].id: node 0 is listed twice'],
    ['oversized', 'snapshot is larger than the limit of 1000 bytes; refusing to read it'],
  ]);
});

test('hostile input is refused cleanly or read safely, never crashes', () => {
  const deep = 200_000;
  const messages = [
    errorOf(() => parseSnapshot('['.repeat(deep))),
    errorOf(() => parseSnapshot(`${'['.repeat(deep)}${']'.repeat(deep)}`)),
    errorOf(() => parseSnapshot(edit('"vmas": [', `"vmas": [${'['.repeat(deep)}${']'.repeat(deep)},`))),
    errorOf(() => parseSnapshot(valid.replace(/"vmas": \[[^]*?\n {2}\],/, '"vmas": {"0": {"start": "0x1000"}},'))),
    errorOf(() => parseSnapshot(edit('"runs":[[4,-14]]', '"runs":"4x-14"'))),
    errorOf(() => parseSnapshot(edit('"pid":4242', '"pid":1e400'))),
    errorOf(() => parseSnapshot(edit('"runs":[[3,0],', '"runs":[[1152921504606846976,0],'))),
    errorOf(() => parseSnapshot(edit('"byNode":{', '"byNode":{"__proto__":7,'))),
    errorOf(() => parseSnapshot(edit('"byNode":{', '"byNode":{"constructor":7,'))),
    errorOf(() => parseSnapshot(edit('"process": {"pid":4242,', '"process": {"constructor":4242,'))),
    errorOf(() => parseSnapshot(edit('"comm":"postgres"', '"comm":{"toString":"x"}'))),
    // A tiny file claiming the whole 64-bit address space must not make us allocate it.
    errorOf(() =>
      parseSnapshot(
        edit('"start":"0x7f0000000000","end":"0x7f0000004000"', '"start":"0x7f0000000000","end":"0xfffffffffffff000"').replace('[[4,-14]]', `[[${(0xfffffffffffff000 - 0x7f0000000000) / 4096},-14]]`),
      ),
    ),
    errorOf(() => parseSnapshot(edit('"vmas": [', '"vmas": [null,'))),
    errorOf(() => parseSnapshot('"\u0000"')),
    errorOf(() => parseSnapshot('{"format": "numascope-snapshot", "version": 1, "takenAt": "\n"}')),
  ];
  assert.deepEqual(messages, [
    'not valid JSON: the text ends at line 1, column 200001 before the JSON is complete (truncated file?)',
    'not a numascope snapshot: the JSON is an array, not an object',
    'vmas[0]: must be an object, got an array',
    'vmas: must be an array, got an object',
    'vmas[1].runs: must be an array, got "4x-14"',
    'process.pid: must be an integer >= 1, got Infinity',
    'vmas[0].runs[0]: run length must be a positive integer, got 1152921504606847000',
    'totals.byNode: key "__proto__" is not a node id',
    'totals.byNode: key "constructor" is not a node id',
    'process.pid: missing',
    'process.comm: must be a string, got an object',
    // The span alone is no longer a reason to refuse (nothing is allocated per page); this
    // file is refused because its huge region overlaps the next one.
    'vmas[2]: starts at 0x7f0000004000, below the end of the previous region (0xfffffffffffff000): regions must be sorted by address and must not overlap',
    'vmas[0]: must be an object, got null',
    'not valid JSON at line 1, column 2 (offset 1): control character inside a string (strings must not span lines)',
    'not valid JSON at line 1, column 60 (offset 59): control character inside a string (strings must not span lines)',
  ]);

  // "__proto__" keys where objects are read become plain data at most, never a prototype.
  const sneaky = parseSnapshot(edit('{\n  "format"', '{\n  "__proto__": {"polluted": true, "format": "x"},\n  "format"').replace('"pid":4242,', '"__proto__":{"pid":1},"pid":4242,'));
  assert.deepEqual(
    [Object.getPrototypeOf(sneaky), Object.hasOwn(sneaky, '__proto__'), Object.getPrototypeOf(sneaky.process), ({} as Record<string, unknown>)['polluted'], sneaky.process.pid],
    [Object.prototype, false, Object.prototype, undefined, 4242],
  );
});

test('files with only the contract fields are read, with the rest filled in', () => {
  const minimal = {
    format: 'numascope-snapshot',
    version: 1,
    takenAt: '2025-01-31T12:30:15+01:00',
    kernel: '6.1.0',
    pageSize: 4096,
    process: { pid: 7, comm: 'a.out', cmdline: ['./a.out'], startTime: 100 },
    nodes: [
      { id: 0, cpus: [0], memTotal: 1024, memFree: 512, distances: [10, 20] },
      { id: 1, cpus: [], memTotal: 0, memFree: 0, distances: [20, 10] },
    ],
    vmas: [
      { start: '0x1000', end: '0x3000', perms: 'rw-p', path: '[heap]', runs: [[2, 0]] },
      { start: '0x7F0000000000', end: '0x7f0000001000', perms: 'r--s', path: '/dev/shm/buf', runs: [[1, -14]] },
    ],
    totals: { byNode: { '0': 2 }, byStatus: { '-14': 1 } },
  };
  const file = parseSnapshot(JSON.stringify(minimal));
  const { placement, topology } = decodePlacement(file);
  assert.deepEqual(
    { tool: file.tool, withMemory: file.withMemory, tiers: file.memoryTiers, nodes: topology.nodes.map((n) => [n.cpuless, n.memoryTier]), vmas: placement.regions.map((r) => r.vma), totals: file.totals, takenAt: placement.takenAt },
    {
      tool: null,
      withMemory: [0],
      tiers: [],
      nodes: [
        [false, null],
        [true, null],
      ],
      vmas: [
        { start: 0x1000n, end: 0x3000n, perms: 'rw-p', offset: 0n, dev: '00:00', inode: 0, path: '[heap]', name: '[heap]', kind: 'heap' },
        { start: 0x7f0000000000n, end: 0x7f0000001000n, perms: 'r--s', offset: 0n, dev: '00:00', inode: 0, path: '/dev/shm/buf', name: 'buf', kind: 'shmem' },
      ],
      totals: { byNode: { '0': 2, '1': 0 }, byStatus: { '-14': 1 } },
      takenAt: Date.UTC(2025, 0, 31, 11, 30, 15),
    },
  );
});

test('the JSON error locator agrees with JSON.parse', () => {
  const texts = ['{}', '[]', '{"a":[1,-0.5e+3,true,false,null,"\\u00e9\\n"]}', ' 1 ', '{"a":1,}', '[1,]', '01', '-', '1.', '1e', '"\\x"', '{"a" 1}', 'tru', '[1 2]', '{"a":1}}', '"abc', '{"a":"\\u12"}'];
  const verdicts = texts.map((text) => {
    let ok = true;
    try {
      JSON.parse(text);
    } catch {
      ok = false;
    }
    return [text, ok, locateJsonError(text) === null];
  });
  assert.deepEqual(
    verdicts.map(([text, , mine]) => [text, mine]),
    verdicts.map(([text, engine]) => [text, engine]),
  );
});

test('the example in docs/snapshot-format.md is a valid snapshot', async () => {
  const { readFile } = await import('node:fs/promises');
  // dist/test/unit/snapshot/ or test/unit/snapshot/ -> the repository root.
  const root = new URL(import.meta.url.includes('/dist/') ? '../../../../' : '../../../', import.meta.url);
  const doc = await readFile(new URL('docs/snapshot-format.md', root), 'utf8');
  const example = /```json\n([^]*?)```/.exec(doc)?.[1];
  assert.ok(example !== undefined, 'the document has a json example');
  const file = parseSnapshot(example);
  assert.deepEqual(
    [file.vmas.map((v) => [v.name, v.kind]), file.totals],
    [
      [
        ['[heap]', 'heap'],
        ['anonymous', 'anon'],
        ['libc.so.6', 'file'],
      ],
      { byNode: { '0': 4, '1': 3, '2': 2 }, byStatus: { '-2': 2, '-13': 1, '-14': 4, '-16': 1 } },
    ],
  );
});
