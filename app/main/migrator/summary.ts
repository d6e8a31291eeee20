/** The words of a move's result: its one-line message and the per-errno tallies. */
import { explainPageStatus } from '../../common/status-reasons.js';
import { formatCount, plural } from '../../common/format.js';
import type { MoveCounts } from '../../common/types.js';
import type { Stop } from './stop.js';
import type { MoveJob, StatusCount } from './types.js';


/** One line for people: what happened, and why it stopped if it did not complete. */
export function summarize(job: Pick<MoveJob, 'identity' | 'toNode'>, counts: MoveCounts, stop: Stop | null): string {
  const pid = job.identity.pid;
  const where = job.toNode === null ? 'back' : `to node ${job.toNode}`;
  const progress = `${formatCount(counts.moved)} of ${plural(counts.toMove, 'page')} had been moved`;
  if (stop?.outcome === 'exited') return `process ${pid} exited during the move; ${progress}`;
  if (stop?.outcome === 'cancelled') return `move cancelled; ${progress}${counts.moved > 0 ? ' (undo puts them back)' : ''}`;
  if (stop?.outcome === 'failed') return `${stop.detail}; ${progress}`;
  const parts = [`${plural(counts.moved, 'page')} moved ${where}`];
  if (job.toNode !== null) parts.push(`${formatCount(counts.alreadyOnTarget)} already there`);
  if (counts.failed > 0) parts.push(`${formatCount(counts.failed)} failed`);
  if (counts.notPresent > 0) parts.push(`${formatCount(counts.notPresent)} not present`);
  if (counts.unmapped > 0) parts.push(`${formatCount(counts.unmapped)} not mapped`);
  return parts.join(', ');
}

/** Pages by status, explained, most pages first. */
export function tally(values: ReadonlyMap<number, number>): StatusCount[] {
  return [...values]
    .map(([status, pages]) => {
      const { code, reason } = explainPageStatus(status);
      return { status, code, pages, reason };
    })
    .sort((a, b) => b.pages - a.pages || b.status - a.status);
}
