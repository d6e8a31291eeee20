import { StatusStore } from '../../../app/common/status-store.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlacement, encodeRuns, encodeSnapshot, parseSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import type { SnapshotFile } from '../../../app/common/snapshot/schema.js';
import type { RegionPlacement } from '../../../app/common/types.js';
import { errorOf, placement, random, region, samplePlacement, topology } from './helpers.js';

const tool = { name: 'numascope', version: '0.1.0' };

test('placement -> file -> text -> file -> placement is lossless and the text is stable', () => {
  const original = { placement: samplePlacement(), topology: topology() };
  const file = encodeSnapshot({ ...original, tool });
  const text = serializeSnapshot(file);
  const parsed = parseSnapshot(text);
  assert.deepEqual(
    { parsed, decoded: decodePlacement(parsed), again: serializeSnapshot(parsed) },
    { parsed: file, decoded: original, again: text },
  );
});

test('the file holds what the contract promises, with exact totals', () => {
  const file = encodeSnapshot({ placement: samplePlacement(), topology: topology(), tool });
  const expected: SnapshotFile = {
    format: 'numascope-snapshot',
    version: 1,
    tool,
    takenAt: '2025-01-31T12:30:15.123Z',
    kernel: '6.18.0-numascope',
    pageSize: 4096,
    process: { pid: 4242, comm: 'postgres', cmdline: ['postgres', '-D', '/var/lib/pg data', '--name=\u00e9t\u00e9 \u{1f600}'], startTime: 987654 },
    nodes: topology().nodes,
    withMemory: [0, 1, 2],
    memoryTiers: [
      { id: 4, nodes: [0, 1] },
      { id: 22, nodes: [2] },
    ],
    vmas: [
      {
        start: '0x555500000000',
        end: '0x55550000c000',
        perms: 'rw-p',
        offset: '0x0',
        dev: '00:00',
        inode: 0,
        path: '',
        name: 'anonymous',
        kind: 'anon',
        runs: [[3, 0], [2, 1], [2, -2], [1, 0], [2, 2], [1, -13], [1, -16]],
      },
      { start: '0x7f0000000000', end: '0x7f0000004000', perms: 'rw-p', offset: '0x0', dev: '00:00', inode: 0, path: '', name: 'anonymous', kind: 'anon', runs: [[4, -14]] },
      {
        start: '0x7f0000004000',
        end: '0x7f0000005000',
        perms: 'r-xp',
        offset: '0x2000',
        dev: 'fd:01',
        inode: 1234567,
        path: '/usr/lib/x86_64-linux-gnu/libc.so.6',
        name: '/usr/lib/x86_64-linux-gnu/libc.so.6',
        kind: 'file',
        runs: [[1, 1]],
      },
      { start: '0x7ffc00000000', end: '0x7ffc00006000', perms: 'rw-p', offset: '0x0', dev: '00:00', inode: 0, path: '[stack]', name: '[stack]', kind: 'stack', runs: [[1, 0], [1, 1], [1, 0], [1, 1], [1, 0], [1, 1]] },
    ],
    totals: { byNode: { '0': 7, '1': 6, '2': 2 }, byStatus: { '-2': 2, '-13': 1, '-14': 4, '-16': 1 } },
  };
  assert.deepEqual(file, expected);
});

test('totals list every topology node, even empty ones, and only errnos that occur', () => {
  const file = encodeSnapshot({ placement: placement([region(0x1000n, [1, 1, -2])]), topology: topology() });
  assert.deepEqual(file.totals, { byNode: { '0': 0, '1': 2, '2': 0 }, byStatus: { '-2': 1 } });
});

test('run-length encoding edge cases', () => {
  const cases: Array<number[] | Int16Array> = [
    [],
    [5],
    [-2],
    [0, 1, 0, 1, 0],
    [-14, -14, 0, -14],
    [4095, -4095, -4095],
    new Int16Array(100000).fill(3),
    Int16Array.from({ length: 10 }, (_, i) => (i < 9 ? 1 : 0)),
  ];
  assert.deepEqual(
    cases.map((c) => encodeRuns(StatusStore.of(c))),
    [[], [[1, 5]], [[1, -2]], [[1, 0], [1, 1], [1, 0], [1, 1], [1, 0]], [[2, -14], [1, 0], [1, -14]], [[1, 4095], [2, -4095]], [[100000, 3]], [[9, 1], [1, 0]]],
  );
});

test('a process without regions still makes a valid file', () => {
  const original = { placement: placement([]), topology: topology() };
  const parsed = parseSnapshot(serializeSnapshot(encodeSnapshot(original)));
  assert.deepEqual({ vmas: parsed.vmas, totals: parsed.totals, decoded: decodePlacement(parsed) }, { vmas: [], totals: { byNode: { '0': 0, '1': 0, '2': 0 }, byStatus: {} }, decoded: original });
});

test('encoding refuses placements that could not be read back', () => {
  const good = samplePlacement().regions;
  const [first, second] = good as [RegionPlacement, RegionPlacement];
  assert.deepEqual(
    [
      errorOf(() => encodeSnapshot({ placement: placement([{ vma: first.vma, status: StatusStore.of(first.status.toArray().subarray(1)) }]), topology: topology() })),
      errorOf(() => encodeSnapshot({ placement: placement([second, first]), topology: topology() })),
      errorOf(() => encodeSnapshot({ placement: placement([region(0x1000n, [5000])]), topology: topology() })),
      errorOf(() => encodeSnapshot({ placement: placement([], { pageSize: 65536 }), topology: topology() })),
      errorOf(() => encodeSnapshot({ placement: placement([], { takenAt: Number.NaN }), topology: topology() })),
    ],
    [
      'cannot encode snapshot: region 0 (0x555500000000-0x55550000c000) has 11 statuses for 12 pages',
      'cannot encode snapshot: vmas[1]: starts at 0x555500000000, below the end of the previous region (0x7f0000004000): regions must be sorted by address and must not overlap',
      'cannot encode snapshot: vmas[0].runs[0]: status must be an integer in [-4095, 4095] (a node id or a negative errno), got 5000',
      'cannot encode snapshot: the placement uses 65536-byte pages but the topology says 4096',
      'cannot encode snapshot: takenAt NaN is not a time',
    ],
  );
});

test('a 16 GiB process (4M pages) in long runs round-trips and serializes to <= 64 KiB (times reported, not judged)', (t) => {
  const next = random(7);
  // 40 regions of 100K pages plus a 194,304-page heap: 4,194,304 pages. Runs of 256 to 8K
  // pages, mostly on nodes 0 and 1, some not present: what first touch by a few threads
  // and some swapping leave behind.
  const sizes = [...Array.from({ length: 40 }, () => 100_000), 4 * 1024 * 1024 - 4_000_000];
  let address = 0x7f0000000000n;
  const regions = sizes.map((pages, r) => {
    const status = new Int16Array(pages);
    for (let at = 0; at < pages; ) {
      const length = Math.min(pages - at, 256 + Math.floor(next() * 8 * 1024));
      const roll = next();
      status.fill(roll < 0.45 ? 0 : roll < 0.9 ? 1 : roll < 0.95 ? 2 : -2, at, at + length);
      at += length;
    }
    const made = region(address, status, r === 40 ? '[heap]' : '', r === 40 ? 'heap' : 'anon');
    address = made.vma.end + 0x10000n;
    return made;
  });
  const input = { placement: placement(regions), topology: topology(), tool };
  const pages = regions.reduce((sum, r) => sum + r.status.length, 0);

  const timed = <T>(fn: () => T): { value: T; ms: number } => {
    let best = Infinity;
    let value: T | undefined;
    for (let i = 0; i < 3; i++) {
      const begin = performance.now();
      value = fn();
      best = Math.min(best, performance.now() - begin);
    }
    return { value: value as T, ms: best };
  };
  const encoded = timed(() => encodeSnapshot(input));
  const serialized = timed(() => serializeSnapshot(encoded.value));
  const parsed = timed(() => parseSnapshot(serialized.value));
  const decoded = timed(() => decodePlacement(parsed.value));
  const bytes = Buffer.byteLength(serialized.value);
  const runs = encoded.value.vmas.reduce((sum, v) => sum + v.runs.length, 0);
  t.diagnostic(
    `${pages} pages, ${runs} runs: encode ${encoded.ms.toFixed(1)} ms, serialize ${serialized.ms.toFixed(1)} ms, ` +
      `parse ${parsed.ms.toFixed(1)} ms, decode ${decoded.ms.toFixed(1)} ms, ${bytes} bytes`,
  );
  assert.equal(pages, 4 * 1024 * 1024);
  assert.ok(bytes <= 64 * 1024, `serialized size ${bytes} bytes is over 64 KiB`);
  assert.deepEqual(decoded.value, { placement: input.placement, topology: input.topology });
});

test('1M pages of random statuses round-trip exactly', () => {
  const next = random(42);
  const choices = [0, 1, 2, -2, -14, -13, -16, -12];
  const sizes = [1, 2, 1000, 250_000, 500_000, 297_573];
  let address = 0x400000n;
  const regions = sizes.map((pages) => {
    const status = new Int16Array(pages);
    for (let i = 0; i < pages; i++) status[i] = choices[Math.floor(next() * choices.length)] as number;
    const made = region(address, status);
    address = made.vma.end;
    return made;
  });
  const original = { placement: placement(regions), topology: topology() };
  assert.equal(
    regions.reduce((sum, r) => sum + r.status.length, 0),
    1_048_576,
  );
  assert.deepEqual(decodePlacement(parseSnapshot(serializeSnapshot(encodeSnapshot(original)))), original);
});

test('page sizes other than 4 KiB work', () => {
  const big = 65536;
  const regions = [{ vma: { ...samplePlacement().regions[0]!.vma, end: 0x555500000000n + BigInt(3 * big) }, status: StatusStore.of([1, -2, 1]) }];
  const original = { placement: placement(regions, { pageSize: big }), topology: { ...topology(), pageSize: big } };
  const file = encodeSnapshot(original);
  assert.deepEqual({ runs: file.vmas[0]?.runs, decoded: decodePlacement(parseSnapshot(serializeSnapshot(file))) }, { runs: [[1, 1], [1, -2], [1, 1]], decoded: original });
});
