import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSnapshot } from '../../../app/common/snapshot/codec.js';
import { parseTimeline, TimelineReplay, TimelineWriter, type Timeline } from '../../../app/common/timeline/index.js';
import type { Placement } from '../../../app/common/types.js';
import { errorOf, placement, region, topology } from '../snapshot/helpers.js';

const tool = { name: 'numascope', version: '0.1.0' };
const T0 = Date.UTC(2025, 0, 31, 12, 30, 15, 123);

/** Four polls of one process: pages move, a region appears, one goes, then nothing happens. */
function steps(): Placement[] {
  return [
    placement([region(0x555500000000n, [0, 0, 0, 1, 1, -2, -2, 0]), region(0x7f0000000000n, [-14, -14, -14, -14])], { takenAt: T0 }),
    placement([region(0x555500000000n, [0, 1, 1, 1, 1, -2, 0, 0]), region(0x7f0000000000n, [-14, -14, -14, -14])], { takenAt: T0 + 1000 }),
    placement([region(0x555500000000n, [0, 1, 1, 1, 1, -2, 0, 0]), region(0x7f0000000000n, [-14, -14, -14, -14]), region(0x7f1000000000n, [2, 2, 2, -2])], { takenAt: T0 + 2000 }),
    placement([region(0x555500000000n, [0, 1, 1, 1, 1, -2, 0, 0]), region(0x7f1000000000n, [2, 2, 2, -2])], { takenAt: T0 + 3000 }),
    placement([region(0x555500000000n, [0, 1, 1, 1, 1, -2, 0, 0]), region(0x7f1000000000n, [2, 2, 2, -2])], { takenAt: T0 + 4000 }),
  ];
}

function record(placements: Placement[], limits: { maxChars?: number; maxRuns?: number } = {}): string {
  const [first, ...rest] = placements as [Placement, ...Placement[]];
  const writer = new TimelineWriter(first, topology(), { tool, intervalMs: 1000, ...limits });
  for (const [i, next] of rest.entries()) writer.addPoll({ placement: next, kind: 'full', changed: i === rest.length - 1 ? { quiet: true } : { quiet: false, addresses: null } });
  writer.addMark('migration', '2 pages changed node');
  return writer.finish('interrupted');
}

test('every poll of a recorded timeline replays to the placement recorded, with its totals', () => {
  const placements = steps();
  const text = record(placements);
  const timeline = parseTimeline(text);
  assert.equal(timeline.polls.length, placements.length);
  assert.deepEqual(timeline.marks, [{ mark: 'migration', t: 4000, poll: 4, text: '2 pages changed node' }]);
  assert.equal(timeline.end.end, 'interrupted');
  const replay = new TimelineReplay(timeline);
  // Forward, then back (which starts again from the first placement).
  for (const index of [0, 1, 2, 3, 4, 1, 3]) {
    const expected = encodeSnapshot({ placement: placements[index] as Placement, topology: topology(), tool });
    const got = encodeSnapshot({ placement: replay.placementAt(index), topology: topology(), tool });
    assert.deepEqual(got.vmas, expected.vmas, `poll ${index}`);
    assert.equal(got.takenAt, expected.takenAt);
    assert.deepEqual(timeline.polls[index]?.totals, expected.totals, `poll ${index} totals`);
  }
});

test('a poll writes only what changed: the changed runs, the added region, the removed one, nothing when quiet', () => {
  const lines = record(steps()).trimEnd().split('\n');
  assert.equal(lines.length, 2 + 4 + 1 + 1);
  const polls = lines.slice(2, 6).map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(polls[0]?.changed, [[0, 1, [[2, 1]]], [0, 6, [[1, 0]]]]);
  assert.equal(polls[0]?.added, undefined);
  assert.deepEqual((polls[1]?.added as { start: string; runs: unknown }[])[0]?.runs, [[3, 2], [1, -2]]);
  assert.deepEqual(polls[2]?.removed, [['0x7f0000000000', '0x7f0000004000']]);
  assert.deepEqual(Object.keys(polls[3] ?? {}), ['poll', 't', 'kind', 'totals']);
});

test('only the regions holding changed addresses are compared when the sampler names them', () => {
  const [first, second] = steps() as [Placement, Placement];
  const writer = new TimelineWriter(first, topology(), { intervalMs: 1000 });
  // The change log names no page of the heap: its changes are not looked for.
  writer.addPoll({ placement: second, kind: 'presence', changed: { quiet: false, addresses: [Number(0x7f0000000000n)] } });
  const poll = JSON.parse(writer.finish('seconds').split('\n')[2] as string) as Record<string, unknown>;
  assert.equal(poll.changed, undefined);
});

function corrupt(text: string, line: number, edit: (value: Record<string, unknown>) => void): string {
  const lines = text.split('\n');
  const value = JSON.parse(lines[line - 1] as string) as Record<string, unknown>;
  edit(value);
  lines[line - 1] = JSON.stringify(value);
  return lines.join('\n');
}

test('corrupted and truncated timelines are refused in one line that says where', () => {
  const text = record(steps());
  const cases: [string, string | RegExp][] = [
    ['', 'not a numascope timeline: the text is empty'],
    [text.slice(0, text.lastIndexOf('{"end"')), /^truncated timeline: no end line after poll 4 \(line 7\)/],
    [text.slice(0, text.length - 40), /^line 8: not valid JSON: the text ends/],
    [text.split('\n').slice(0, 1).join('\n'), 'truncated timeline: the first poll (line 2) is missing'],
    [corrupt(text, 1, (v) => (v.version = 2)), /^line 1: version: must be 1, got 2/],
    [corrupt(text, 3, (v) => ((v.changed as unknown[][])[0] = [0, 1, [[2, 0]]])), /^line 3: poll 1: its totals do not match its pages/],
    [corrupt(text, 3, (v) => ((v.changed as unknown[][])[0] = [0, 7, [[2, 1]]])), /^line 3: poll 1: changed\[0\]: pages 7-9 are not inside region 0's 8 pages/],
    [corrupt(text, 3, (v) => ((v.changed as unknown[][])[0] = [9, 0, [[1, 1]]])), /^line 3: poll 1: changed\[0\]: there is no region 9/],
    [corrupt(text, 3, (v) => ((v.changed as unknown[][])[0] = [0, 1, [[2, 5000]]])), /^line 3: poll: changed\[0\]\[2\]\[0\]\[1\]: must be an integer in \[-4095, 4095\], got 5000/],
    [corrupt(text, 4, (v) => (v.poll = 7)), /^line 4: poll 7: expected poll 2 here/],
    [corrupt(text, 5, (v) => (v.removed = [['0x1000', '0x2000']])), /^line 5: poll 3: removed\[0\]: no region 0x1000-0x2000 to remove/],
    [corrupt(text, 4, (v) => ((v.added as Record<string, unknown>[])[0]!.start = '0x555500001000')), /^line 4: poll 2: added\[0\]: 0x555500001000-0x7f1000004000 overlaps/],
    [corrupt(text, 8, (v) => (v.polls = 9)), /^line 8: the end line counts 9 polls but the file has 5/],
    [corrupt(text, 2, (v) => (v.pageSize = 1000)), /^line 2 \(the first poll\): pageSize: must be an integer in \[1024, 1073741824\]/],
  ];
  for (const [input, expected] of cases) {
    const message = errorOf(() => parseTimeline(input));
    if (typeof expected === 'string') assert.equal(message, expected);
    else assert.match(message, expected);
  }
});

test('the snapshot reader\'s limits hold for the whole timeline: bytes, runs over every poll, pages held', () => {
  const text = record(steps());
  assert.match(errorOf(() => parseTimeline(text, { maxBytes: 100 })), /^timeline is larger than the limit of 100 bytes/);
  // The first poll has 5 runs; the deltas bring 4 more.
  parseTimeline(text, { maxRuns: 9 });
  assert.match(errorOf(() => parseTimeline(text, { maxRuns: 8 })), /^line 4: poll: added\[0\]\.runs: the timeline holds more runs in all than numascope reads/);
  assert.match(errorOf(() => parseTimeline(text, { maxRuns: 4 })), /^line 2 \(the first poll\): .*more than 4 runs/);
  assert.match(errorOf(() => parseTimeline(text, { maxHeldPages: 0 })), /pages held one by one/);
});

test('the writer stops at the limits, leaving a file that reads, and says so', () => {
  const placements = steps();
  const [first, second, third] = placements as [Placement, Placement, Placement];
  const writer = new TimelineWriter(first, topology(), { intervalMs: 1000, maxRuns: 8 });
  assert.equal(writer.addPoll({ placement: second, kind: 'full', changed: { quiet: false, addresses: null } }), true);
  assert.equal(writer.addPoll({ placement: third, kind: 'full', changed: { quiet: false, addresses: null } }), false);
  const timeline: Timeline = parseTimeline(writer.finish('size-limit'));
  assert.equal(timeline.polls.length, 2);
  assert.equal(timeline.end.end, 'size-limit');
});
