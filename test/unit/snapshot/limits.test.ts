/** The limits a snapshot writer and reader share: on what a file stores, never on the span it covers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePlacement, encodeSnapshot, parseSnapshot, serializeSnapshot, serializeSnapshotWithin } from '../../../app/common/snapshot/codec.js';
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
  assert.deepEqual([DEFAULT_MAX_BYTES, DEFAULT_MAX_RUNS], [256 * 1024 * 1024, 2 ** 24]);
});
