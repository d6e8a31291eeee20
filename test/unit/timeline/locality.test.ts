/** The timeline's optional per-poll locality: written from each poll's pages per node, read back, refused when wrong, absent from older files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimeline, TimelineWriter } from '../../../app/common/timeline/index.js';
import { timelineJson, timelineSummary } from '../../../app/main/cli/commands/open-timeline.js';
import type { Placement } from '../../../app/common/types.js';
import { errorOf, placement, region, topology } from '../snapshot/helpers.js';

const T0 = Date.UTC(2025, 0, 31, 12, 30, 15, 123);

function polls(): Placement[] {
  return [
    placement([region(0x555500000000n, [0, 0, 0, 1, 1, -2, -2, 0])], { takenAt: T0 }),
    placement([region(0x555500000000n, [0, 1, 1, 1, 1, -2, 0, 0])], { takenAt: T0 + 1000 }),
    placement([region(0x555500000000n, [0, 1, 1, 1, 1, -2, 0, 0])], { takenAt: T0 + 2000 }),
    placement([region(0x555500000000n, [0, 1, 1, 1, 1, -2, 0, 0])], { takenAt: T0 + 3000 }),
  ];
}

/** Threads all on node 1 for poll 1, idle for poll 2, unknown for poll 3. */
function recorded(): { text: string; seen: Record<string, number>[] } {
  const [first, ...rest] = polls() as [Placement, ...Placement[]];
  const writer = new TimelineWriter(first, topology(), { tool: null, intervalMs: 1000 });
  const seen: Record<string, number>[] = [];
  const answers = [
    (byNode: Record<string, number>) => ({ share: (byNode['1'] ?? 0) / ((byNode['0'] ?? 0) + (byNode['1'] ?? 0)), basis: 'cpu-time' as const }),
    () => ({ share: 1 / 3, basis: 'threads' as const }),
    () => null,
  ];
  rest.forEach((next, i) => {
    writer.addPoll({
      placement: next,
      kind: 'full',
      changed: { quiet: false, addresses: null },
      locality: (byNode) => {
        seen.push({ ...byNode });
        return answers[i]?.(byNode) ?? null;
      },
    });
  });
  return { text: writer.finish('seconds'), seen };
}

test("each poll's locality is worked out from that poll's pages per node and read back, rounded", () => {
  const { text, seen } = recorded();
  // Poll 1 has 3 pages on node 0 and 4 on node 1, after its delta.
  assert.deepEqual(seen[0], { '0': 3, '1': 4, '2': 0 });
  const timeline = parseTimeline(text);
  assert.deepEqual(
    timeline.polls.map((poll) => [poll.locality, poll.localityBasis]),
    [
      [undefined, undefined],
      [0.5714, undefined],
      [0.3333, 'threads'],
      [undefined, undefined],
    ],
  );
  const lines = text.split('\n');
  assert.match(lines[3] ?? '', /"byStatus":\{"-2":1\}\},"locality":0\.3333,"localityBasis":"threads"\}$/);
  assert.doesNotMatch(lines[4] ?? '', /locality/);
  const json = timelineJson(timeline) as { polls: { locality: number | null; localityBasis?: string }[] };
  assert.deepEqual(
    json.polls.map((poll) => [poll.locality, poll.localityBasis]),
    [
      [null, undefined],
      [0.5714, undefined],
      [0.3333, 'threads'],
      [null, undefined],
    ],
  );
  const summary = timelineSummary(timeline);
  assert.match(summary, /^poll +time +kind +node 0 +node 1 +node 2 +not present +locality +changed/m);
  assert.match(summary, /^1 +\+1\.0 s +full .* 57\.1% /m);
  assert.match(summary, /^2 +\+2\.0 s +full .* 33\.3% \(idle\) /m);
  assert.match(summary, /^3 +\+3\.0 s +full .* - +0 /m);
});

test('a wrong locality is refused in one line; a file written before the field reads without it', () => {
  const { text } = recorded();
  const withLine = (n: number, edit: (poll: Record<string, unknown>) => void): string => {
    const lines = text.split('\n');
    const poll = JSON.parse(lines[n - 1] as string) as Record<string, unknown>;
    edit(poll);
    lines[n - 1] = JSON.stringify(poll);
    return lines.join('\n');
  };
  assert.match(errorOf(() => parseTimeline(withLine(3, (p) => (p['locality'] = 1.5)))), /^line 3: poll: locality: must be a number from 0 to 1, got 1\.5/);
  assert.match(errorOf(() => parseTimeline(withLine(3, (p) => (p['locality'] = '0.5')))), /^line 3: poll: locality: must be a number from 0 to 1/);
  assert.match(errorOf(() => parseTimeline(withLine(4, (p) => (p['localityBasis'] = 'cpu')))), /^line 4: poll: localityBasis: must be one of threads, got "cpu"/);
  assert.match(errorOf(() => parseTimeline(withLine(5, (p) => (p['localityBasis'] = 'threads')))), /^line 5: poll: localityBasis: is given without a locality/);
  const old = withLine(4, (p) => {
    delete p['locality'];
    delete p['localityBasis'];
  });
  assert.equal(parseTimeline(withLine(3, (p) => delete p['locality'])).polls[1]?.locality, undefined);
  assert.equal(parseTimeline(old).polls[2]?.localityBasis, undefined);
});
