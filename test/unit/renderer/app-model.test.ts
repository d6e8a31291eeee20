import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeSnapshot } from '../../../app/common/placement-tiles.js';
import { serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { diffSnapshots } from '../../../app/common/snapshot/diff.js';
import { DEFAULT_MAX_BYTES } from '../../../app/common/snapshot/schema.js';
import { buildViewData } from '../../../app/renderer/model/data.js';
import { changedPagesPerRegion, highlightSpans } from '../../../app/renderer/model/highlights.js';
import { sameProcess, sameRegions } from '../../../app/renderer/model/shown-identity.js';
import { errorText, readSnapshotFile, snapshotFileStem } from '../../../app/renderer/model/snapshot-file.js';
import { changedPair, snapshot } from './helpers.js';

const { before, after } = changedPair();
const layout = buildViewData(summarizeSnapshot(after)).layout;
const liveChanges = { ranges: [{ start: '0x51000', pages: 1 }] };

test('highlights follow the comparison when there is one, else the live changes, else nothing', () => {
  const diff = diffSnapshots(before, after);
  const compared = { diff, live: true, liveChanges };
  assert.deepEqual(highlightSpans(layout, compared), [
    { start: 1, end: 3 },
    { start: 5, end: 6 },
  ]);
  assert.deepEqual([...(changedPagesPerRegion(layout, compared, highlightSpans(layout, compared)) ?? [])], [
    [0, 2],
    [1, 1],
  ]);
  const live = { diff: null, live: true, liveChanges };
  assert.deepEqual(highlightSpans(layout, live), [{ start: 5, end: 6 }]);
  assert.deepEqual([...(changedPagesPerRegion(layout, live, highlightSpans(layout, live)) ?? [])], [[1, 1]]);
  // A first scan (no changes yet) and a file shown offline have no change column.
  assert.equal(changedPagesPerRegion(layout, { diff: null, live: true, liveChanges: null }, []), null);
  const offline = { diff: null, live: false, liveChanges: null };
  assert.deepEqual(highlightSpans(layout, offline), []);
  assert.equal(changedPagesPerRegion(layout, offline, []), null);
});

test('same process means same pid and start time; same regions means same starts and ends', () => {
  const a = summarizeSnapshot(before);
  assert.equal(sameProcess(a, summarizeSnapshot(after)), true);
  assert.equal(sameProcess(a, { ...a, process: { ...a.process, startTime: a.process.startTime + 1 } }), false);
  assert.equal(sameRegions(a, after), true);
  assert.equal(sameRegions(a, snapshot([{ start: 0x10000n, status: [0, 0, 0, 0] }])), false);
  assert.equal(sameRegions(a, snapshot([{ start: 0x10000n, status: [0, 0, 0, 0, 0] }, { start: 0x50000n, status: [0, 0] }])), false);
});

test('exported files are named after the process and the time, in characters any file system takes', () => {
  assert.equal(
    snapshotFileStem({ takenAt: '2025-01-31T12:00:00.000Z', process: { ...before.process, pid: 42, comm: 'kworker/0:1 H' } }),
    'numascope-kworker_0_1_H-42-2025-01-31T12-00-00-000Z',
  );
  assert.equal(errorText(new Error('bad')), 'bad');
  assert.equal(errorText('plain'), 'plain');
});

test('a snapshot file is read, validated and decoded, or refused with its reason', async () => {
  const read = await readSnapshotFile(new Blob([serializeSnapshot(after)]));
  assert.equal(read.snapshot.process.pid, 4242);
  assert.equal(read.decoded.columns.totalPages, 6);
  await assert.rejects(readSnapshotFile(new Blob(['{"format":"something else"}'])));
  await assert.rejects(readSnapshotFile({ size: DEFAULT_MAX_BYTES + 1, text: async () => '' }), /larger than the limit/);
});
