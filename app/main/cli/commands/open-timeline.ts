/** `numascope open` of a timeline: its pages per node and not present, poll by poll. */
import { notPresentPages, type TimelinePoll } from '../../../common/timeline/format.js';
import type { Timeline } from '../../../common/timeline/reader.js';
import { formatCount, plural, table, terminalSafe } from '../format.js';

const ENDED = { seconds: 'after the time asked for', interrupted: 'interrupted', exited: 'the process exited', 'size-limit': 'at the size limit', failed: 'the process could no longer be read' } as const;

function seconds(ms: number): string {
  return `+${(ms / 1000).toFixed(1)} s`;
}

/** The poll's locality as a percentage, `-` when the file has none; `(idle)` when no thread used CPU time. */
function localityText(poll: TimelinePoll): string {
  if (poll.locality === undefined) return '-';
  return `${(poll.locality * 100).toFixed(1)}%${poll.localityBasis === 'threads' ? ' (idle)' : ''}`;
}

/** Pages whose status a poll changed or that came or went with a region. */
function changedPages(poll: TimelinePoll): number {
  let pages = 0;
  for (const [, , runs] of poll.changed) for (const [count] of runs) pages += count;
  for (const region of poll.added) for (const [count] of region.runs) pages += count;
  return pages;
}

export function timelineSummary(timeline: Timeline): string {
  const { header, first, polls, marks, end } = timeline;
  const p = first.process;
  const nodes = first.nodes.map((n) => String(n.id));
  const lines = [
    `timeline of process ${p.pid} (${terminalSafe(p.comm)}) ${terminalSafe(p.cmdline.join(' '))}`.trimEnd(),
    `start ${p.startTime}, recorded from ${terminalSafe(header.startedAt)} for ${(end.t / 1000).toFixed(1)} s on kernel ${terminalSafe(first.kernel)}, page size ${first.pageSize}; ${plural(polls.length, 'poll')} every ${header.intervalMs} ms, ended ${ENDED[end.end]}`,
  ];
  const rows = [['poll', 'time', 'kind', ...nodes.map((id) => `node ${id}`), 'not present', 'locality', 'changed', 'regions +/-']];
  for (const poll of polls) {
    rows.push([
      String(poll.poll),
      seconds(poll.t),
      poll.kind,
      ...nodes.map((id) => formatCount(poll.totals.byNode[id] ?? 0)),
      formatCount(notPresentPages(poll.totals)),
      localityText(poll),
      formatCount(changedPages(poll)),
      `+${poll.added.length}/-${poll.removed.length}`,
    ]);
  }
  lines.push('', table(rows));
  if (marks.length > 0) {
    lines.push('', 'marks:');
    for (const mark of marks) lines.push(`  poll ${mark.poll} (${seconds(mark.t)}) ${mark.mark}: ${terminalSafe(mark.text)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The timeline without its per-page deltas: what a script comparing totals needs. */
export function timelineJson(timeline: Timeline): object {
  const { header, first, polls, marks, end } = timeline;
  return {
    ...header,
    process: first.process,
    pageSize: first.pageSize,
    nodes: first.nodes.map((n) => n.id),
    polls: polls.map((poll) => ({ poll: poll.poll, t: poll.t, takenAt: new Date(Date.parse(header.startedAt) + poll.t).toISOString(), kind: poll.kind, totals: poll.totals, locality: poll.locality ?? null, ...(poll.localityBasis ? { localityBasis: poll.localityBasis } : {}), changedPages: changedPages(poll), regionsAdded: poll.added.length, regionsRemoved: poll.removed.length })),
    marks,
    end,
  };
}
