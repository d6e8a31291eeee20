/** The limits a snapshot writer and reader share: on what a file stores, never on the span it covers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlacement, encodeSnapshot, parseSnapshot, serializeSnapshot, serializeSnapshotWithin } from '../../../app/common/snapshot/codec.js';
import { parseSnapshotJson } from '../../../app/common/snapshot/parse.js';
import { RunList } from '../../../app/common/snapshot/runs.js';
import { BLOCK_PAGES } from '../../../app/common/status-store.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_RUNS } from '../../../app/common/snapshot/schema.js';
import { errorOf, placement, region, samplePlacement, topology } from './helpers.js';

const TIB = 2n ** 40n;

/** A valid file with one region of `bytes` bytes in three runs, written as another tool would. */
function hugeSparseText(bytes: bigint): string {
  const start = 0x600000000000n;
  const pages = Number(bytes / 4096n);
  const file = encodeSnapshot({ placement: placement([region(0x555500000000n, [0, 1])]), topology: topology() });
  const text = serializeSnapshot(file);
  const vma = `{"start":"0x${start.toString(16)}","end":"0x${(start + bytes).toString(16)}","perms":"rw-p","path":"","runs":[[1,0],[${pages - 2},-2],[1,1]]}`;
  return text.replace(/"runs":\[\[1,0\],\[1,1\]\]\}/, (m) => `${m},\n    ${vma}`).replace(/"byStatus":\{\}/, `"byStatus":{"-2":${pages - 2}}`).replace(/"byNode":\{"0":1,"1":1/, '"byNode":{"0":2,"1":2');
}

test('a 1 TiB and a 64 TiB sparse region read back: the span is not a limit, the stored runs are', () => {
  for (const bytes of [TIB, 64n * TIB]) {
    const file = parseSnapshot(hugeSparseText(bytes));
    const huge = file.vmas[1];
    assert.equal(huge?.runs.length, 3);
    assert.equal(file.totals.byStatus['-2'], Number(bytes / 4096n) - 2);
  }
  // Decoding (what the window's viewer does) used to refuse 64 TiB (more than 2^28 pages of span);
  // it holds the pages that differ from their block now, so the span costs one status a block.
  const decoded = decodePlacement(parseSnapshot(hugeSparseText(64n * TIB))).placement.regions[1]?.status;
  assert.ok(decoded);
  const pages = Number((64n * TIB) / 4096n);
  assert.deepEqual([decoded.length, decoded.get(0), decoded.get(1), decoded.get(pages - 2), decoded.get(pages - 1), decoded.heldBlocks], [pages, 0, -2, -2, 1, 2]);
  // What decoding bounds is what it holds page by page (the same limit the sampler has): here
  // a block of the small region and the first and last of the 64 TiB one.
  assert.equal(decodePlacement(parseSnapshot(hugeSparseText(64n * TIB)), { maxHeldPages: 3 * BLOCK_PAGES }).placement.regions.length, 2);
  assert.equal(
    errorOf(() => decodePlacement(parseSnapshot(hugeSparseText(64n * TIB)), { maxHeldPages: 2 * BLOCK_PAGES })),
    `vmas[1]: the snapshot's statuses differ in more than 2 blocks of ${BLOCK_PAGES} pages, more than the ${2 * BLOCK_PAGES} pages held one by one that can be decoded here (numascope open summarises it)`,
  );
});

test('the writer refuses what the reader would refuse: too many runs, too many bytes', () => {
  const many = placement([region(0x555500000000n, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])]);
  assert.equal(errorOf(() => parseSnapshot(serializeSnapshot(encodeSnapshot({ placement: many, topology: topology() })), { maxRuns: 11 })),
    'vmas[0].runs: the snapshot holds more than 11 runs in all, the most numascope reads (see "Limits" in docs/snapshot-format.md)');
  assert.equal(errorOf(() => encodeSnapshot({ placement: many, topology: topology(), maxRuns: 11 })),
    'cannot encode snapshot: vmas[0].runs: the snapshot holds more than 11 runs in all, the most numascope reads (see "Limits" in docs/snapshot-format.md)');
  assert.equal(encodeSnapshot({ placement: many, topology: topology(), maxRuns: 12 }).vmas[0]?.runs.length, 12);

  const text = serializeSnapshot(encodeSnapshot({ placement: samplePlacement(), topology: topology() }));
  const bytes = Buffer.byteLength(text);
  const file = parseSnapshot(text);
  assert.equal(serializeSnapshotWithin(file, bytes), text);
  assert.equal(errorOf(() => serializeSnapshotWithin(file, bytes - 1)), `cannot write snapshot: it would be larger than ${bytes - 1} bytes, the most numascope reads`);
  assert.match(errorOf(() => parseSnapshot(text, { maxBytes: bytes - 1 })), /^snapshot is larger than the limit/);
  // Both sides default to the same numbers.
  assert.deepEqual([DEFAULT_MAX_BYTES, DEFAULT_MAX_RUNS], [256 * 1024 * 1024, 2 ** 25]);
});

test('long runs lists are held in typed arrays and read exactly as JSON.parse reads them', () => {
  const statuses = Int16Array.from({ length: 5000 }, (_, i) => [0, 1, -2, 2, -14][i % 5] as number);
  const text = serializeSnapshot(encodeSnapshot({ placement: placement([region(0x400000n, statuses), region(0x7f0000000000n, [1, 1, -2])]), topology: topology() }));
  const file = parseSnapshot(text);
  const long = file.vmas[0]?.runs;
  assert.ok(long instanceof RunList && long.statuses.byteLength < 5000 * 4, 'compact');
  assert.ok(Array.isArray(file.vmas[1]?.runs), 'short lists stay arrays');
  const plain = JSON.parse(text) as { vmas: { runs: unknown }[] };
  assert.deepEqual([...long], plain.vmas[0]?.runs);
  assert.equal(JSON.stringify(file.vmas[0]), JSON.stringify(parseSnapshot(text).vmas[0]));
  assert.deepEqual(decodePlacement(file).placement.regions[0]?.status.toArray(), statuses);

  // Anything else reads as JSON.parse reads it, "__proto__" keys included.
  const samples = ['{"a":[1,-0,2.5e3,"x\\u0041\\n",true,false,null,{}],"__proto__":{"b":[]}," k":{"":[[1,2]]}}', '[]', '0', '"\\ud800"', '{"vmas":[{"runs":[[1,2],[3,4.5]]}]}'];
  for (const sample of samples) assert.deepEqual(parseSnapshotJson(sample), JSON.parse(sample), sample);
  for (const bad of ['{"a":1,}', '[1 2]', '01', '{"a"}', '"\t"', '[[1,2],[3,4]', '']) assert.equal(parseSnapshotJson(bad), null, bad);
});
