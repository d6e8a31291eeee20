/** The limits a snapshot writer and reader share: on what a file stores, never on the span it covers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlacement, encodeSnapshot, parseSnapshot, serializeSnapshot, serializeSnapshotWithin } from '../../../app/common/snapshot/codec.js';
import { parseSnapshotJson } from '../../../app/common/snapshot/parse.js';
import { RunList } from '../../../app/common/snapshot/runs.js';
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
  // Expanding to a status per page (what the window's viewer does) is the one place the span counts.
  assert.match(errorOf(() => decodePlacement(parseSnapshot(hugeSparseText(64n * TIB)))), /^vmas\[1\]: the snapshot covers more than 268435456 pages in all/);
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
  assert.deepEqual(decodePlacement(file).placement.regions[0]?.status, statuses);

  // Anything else reads as JSON.parse reads it, "__proto__" keys included.
  const samples = ['{"a":[1,-0,2.5e3,"x\\u0041\\n",true,false,null,{}],"__proto__":{"b":[]}," k":{"":[[1,2]]}}', '[]', '0', '"\\ud800"', '{"vmas":[{"runs":[[1,2],[3,4.5]]}]}'];
  for (const sample of samples) assert.deepEqual(parseSnapshotJson(sample), JSON.parse(sample), sample);
  for (const bad of ['{"a":1,}', '[1 2]', '01', '{"a"}', '"\t"', '[[1,2],[3,4]', '']) assert.equal(parseSnapshotJson(bad), null, bad);
});
