import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizePlacement, summarizeSnapshot } from '../../../app/common/placement-tiles.js';
import { decodePlacement, diffSnapshots } from '../../../app/common/snapshot/codec.js';
import type { WireMoveResult } from '../../../app/common/ipc.js';
import type { ProcessSummary } from '../../../app/common/types.js';
import { pagesPerRegion, spansOfChanges, spansOfDiff, transitionRows } from '../../../app/renderer/model/changes.js';
import { buildViewData } from '../../../app/renderer/model/data.js';
import { decodeFile, fileTiles } from '../../../app/renderer/model/sources.js';
import { countsInRange } from '../../../app/renderer/model/tiles.js';
import { formatBytes, formatCount, formatDuration, formatPercent, hex, parseAddress } from '../../../app/renderer/model/format.js';
import { describeBinAt, describePages, hoverText } from '../../../app/renderer/model/hover.js';
import { initialMoveTracker, moveReducer, progressFraction, resultLines, type MoveAction } from '../../../app/renderer/model/moves.js';
import { filterProcesses, intervalFromSearch, pidFromSearch } from '../../../app/renderer/model/processes.js';
import { changedPair, data, snapshot } from './helpers.js';

test('formatting of sizes, counts, addresses and durations', () => {
  assert.deepEqual([0, 512, 4096, 1536, 64 * 2 ** 20, 1.5 * 2 ** 30, 123.4 * 2 ** 30].map(formatBytes), ['0 B', '512 B', '4 KiB', '1.5 KiB', '64 MiB', '1.5 GiB', '123 GiB']);
  assert.deepEqual([0, 999, 1000, 1234567, -4096].map(formatCount), ['0', '999', '1,000', '1,234,567', '-4,096']);
  assert.equal(hex(0x7f00dead000n), '0x7f00dead000');
  assert.equal(parseAddress('0x7F00'), 0x7f00n);
  assert.throws(() => parseAddress('7f00'), /not a hex address/);
  assert.deepEqual([12.4, 1400, 65_000].map(formatDuration), ['12 ms', '1.4 s', '1 min 5 s']);
  assert.deepEqual([formatPercent(1, 1000), formatPercent(999, 1000), formatPercent(1, 4), formatPercent(1, 0)], ['<1%', '>99%', '25%', '0%']);
});

test('the tooltip names the address, the region and what each status means', () => {
  const d = data([
    { start: 0x10000n, status: [0, 0, -2, 1], name: '[heap]', kind: 'heap' },
    { start: 0x7f0000000000n, status: [-14, -14] },
  ]);
  const single = describeBinAt(d, { start: 0, pagesPerPixel: 0.5, width: 12 }, 4.2);
  assert.equal(single?.pages, 1);
  assert.equal(single?.start, 0x12000n);
  assert.deepEqual(hoverText(single!, 4096, 0), [
    '0x12000  [heap] rw-p',
    'ENOENT (-2) not present — no page is there: never touched (Linux 6.12 and later), swapped out, or not yet faulted in',
  ]);
  const bin = describePages(d, 1, 6);
  assert.deepEqual(
    bin?.statuses.map((s) => [s.label, s.pages, s.short]),
    [
      ['node 0', 1, ''],
      ['node 1', 1, ''],
      ['EFAULT (-14)', 2, 'no page / zero page'],
      ['ENOENT (-2)', 1, 'not present'],
    ],
  );
  const lines = hoverText(bin!, 4096, 1);
  assert.equal(lines[0], '0x11000–0x7f0000001fff');
  assert.equal(lines[1], '5 pages (20 KiB) in [heap], anonymous');
  // The hovered panel's node comes first.
  assert.equal(lines[2], 'node 1: 1 (20%)');
  // A panel's node is named even when none of the pages are on it.
  assert.equal(hoverText(bin!, 4096, 2)[2], 'node 2: none');
  assert.equal(describeBinAt(d, { start: 0, pagesPerPixel: 1, width: 12 }, 7), null);
});

test('per-region totals come from the runs, and every node with memory gets a panel', () => {
  const file = snapshot(
    [
      { start: 0x10000n, status: [0, 0, -2, 1] },
      { start: 0x20000n, status: [3, -14] },
    ],
    [0, 1],
  );
  const view = buildViewData(summarizeSnapshot(file));
  assert.deepEqual(
    view.summaries.map((s) => [s.pages, s.absent, [...s.byNode], [...s.byStatus]]),
    [
      [4, 1, [[0, 2], [1, 1]], [[-2, 1]]],
      [2, 1, [[3, 1]], [[-14, 1]]],
    ],
  );
  assert.deepEqual([...view.total.byNode], [[0, 2], [1, 1], [3, 1]]);
  // Node 3 holds a page though the topology does not list it.
  assert.deepEqual(view.panelNodes, [0, 1, 3]);
  assert.equal(view.layout.totalPages, 6);
  // The pages themselves come as tiles: an offline file computes them as main would.
  const tiles = fileTiles(decodeFile(file));
  assert.deepEqual(countsInRange(tiles.overview, 4, 6), { counts: new Map([[3, 1], [-14, 1]]), exact: true });
  // The live summary (from main's arrays) and the file's (from its runs) are the same.
  assert.deepEqual(buildViewData(summarizePlacement(decodePlacement(file).placement, decodePlacement(file).topology, file.tool)), view);
});

test('changes become rows and highlighted spans', () => {
  assert.deepEqual(
    transitionRows([
      { from: 0, to: 1, pages: 3 },
      { from: -2, to: 0, pages: 10 },
    ]).map((r) => [r.label, r.pages]),
    [
      ['ENOENT (-2) → node 0', 10],
      ['node 0 → node 1', 3],
    ],
  );
  const { layout } = data([
    { start: 0x10000n, status: [0, 0, 0, 0] },
    { start: 0x50000n, status: [0, 0] },
  ]);
  const ranges = [
    { start: '0x11000', pages: 2 },
    { start: '0x51000', pages: 1 },
    { start: '0x99000', pages: 1 },
  ];
  assert.deepEqual(spansOfChanges(layout, { ranges }), [
    { start: 1, end: 3 },
    { start: 5, end: 6 },
  ]);
  assert.deepEqual(spansOfChanges(layout, null), []);

  const { before, after } = changedPair();
  const diff = diffSnapshots(before, after);
  assert.equal(diff.changedPages, 3);
  assert.deepEqual(spansOfDiff(buildViewData(summarizeSnapshot(after)).layout, diff), [
    { start: 1, end: 3 },
    { start: 5, end: 6 },
  ]);
});

test('the process picker searches by pid or name and lists readable, big processes first', () => {
  const list: ProcessSummary[] = [
    { pid: 1, comm: 'systemd', startTime: 100, rss: 10, readable: false, reason: 'needs root' },
    { pid: 4242, comm: 'postgres', startTime: 100, rss: 500, readable: true, reason: null },
    { pid: 4243, comm: 'postgres', startTime: 100, rss: 900, readable: true, reason: null },
    { pid: 77, comm: 'target42', startTime: 100, rss: 5, readable: true, reason: null },
  ];
  assert.deepEqual(filterProcesses(list, '').map((p) => p.pid), [4243, 4242, 77, 1]);
  assert.deepEqual(filterProcesses(list, 'POST').map((p) => p.pid), [4243, 4242]);
  assert.deepEqual(filterProcesses(list, '42').map((p) => p.pid), [4243, 4242, 77]);
  assert.deepEqual(filterProcesses(list, 'postgres 4242').map((p) => p.pid), [4242]);
  assert.deepEqual([pidFromSearch('?token=x&pid=123'), pidFromSearch('?pid=0'), pidFromSearch('?pid=12a'), pidFromSearch('?token=1')], [123, null, null, null]);
  assert.deepEqual(['?interval=250', '?interval=50', '?interval=abc', '?pid=1'].map(intervalFromSearch), [250, null, null, null]);
});

function result(moveId: string): WireMoveResult {
  return {
    moveId,
    outcome: 'complete',
    message: 'moved 0 pages; 16384 were already on node 0',
    toNode: 0,
    counts: { requested: 16384, unmapped: 0, notPresent: 2, alreadyOnTarget: 16380, toMove: 2, moved: 1, failed: 1, notAttempted: 0 },
    failures: [{ status: -13, code: 'EACCES', pages: 1, reason: 'page is shared' }],
    segments: [{ start: '0x1000', end: '0x2000' }],
    statusRuns: [[1, 0]],
    durationMs: 3,
    undoable: true,
  };
}

test('a move tracks its progress and result, even when events overtake the start reply', () => {
  const run = (actions: MoveAction[]) => actions.reduce(moveReducer, initialMoveTracker);
  const progress = { moveId: 'm1', phase: 'move' as const, done: 5, total: 10 };
  const normal = run([{ type: 'starting', kind: 'move' }, { type: 'started', moveId: 'm1' }, { type: 'progress', event: progress }]);
  assert.deepEqual(normal.state, { phase: 'running', kind: 'move', moveId: 'm1', progress, cancelling: false });
  assert.equal(progressFraction(progress), 0.5);
  assert.equal(progressFraction(null), null);
  assert.deepEqual(run([{ type: 'starting', kind: 'move' }, { type: 'started', moveId: 'm1' }, { type: 'cancelling' }, { type: 'done', result: result('m1') }]).state, {
    phase: 'done',
    kind: 'move',
    result: result('m1'),
  });
  // The result arrives before the reply naming its id.
  const early = run([{ type: 'starting', kind: 'undo' }, { type: 'done', result: result('other') }, { type: 'done', result: result('m2') }, { type: 'started', moveId: 'm2' }]);
  assert.deepEqual(early.state, { phase: 'done', kind: 'undo', result: result('m2') });
  assert.deepEqual(early.early.done.map((r) => r.moveId), ['other']);
  // Events for other moves do not disturb the current one.
  assert.equal(moveReducer(normal, { type: 'done', result: result('zzz') }).state, normal.state);
  assert.deepEqual(run([{ type: 'starting', kind: 'move' }, { type: 'failed', message: 'ESRCH' }]).state, { phase: 'failed', kind: 'move', message: 'ESRCH' });
  assert.deepEqual(moveReducer(normal, { type: 'dismiss' }).state, { phase: 'idle' });
});

test('the result panel explains every count in words', () => {
  assert.deepEqual(
    resultLines(result('m1')).map((l) => [l.label, l.pages]),
    [
      ['moved', 1],
      ['already on node 0', 16380],
      ['not present', 2],
      ['failed: EACCES', 1],
    ],
  );
  // A whole-node move (migrate_pages) knows how many pages stayed, not why.
  const node = { ...result('m2'), counts: { ...result('m2').counts, moved: 9945, alreadyOnTarget: 0, notPresent: 0, failed: 1 }, failures: [] };
  assert.deepEqual(
    resultLines(node).map((l) => [l.label, l.pages]),
    [
      ['moved', 9945],
      ['failed', 1],
    ],
  );
});

test('changed pages are counted per region for the table', () => {
  const { layout } = data([
    { start: 0x10000n, status: [0, 0, 0, 0] },
    { start: 0x50000n, status: [] },
    { start: 0x60000n, status: [0, 0] },
  ]);
  assert.deepEqual(
    [
      ...pagesPerRegion(layout, [
        { start: 1, end: 2 },
        { start: 3, end: 6 },
      ]),
    ],
    [
      [0, 2],
      [2, 2],
    ],
  );
});
