/**
 * Domain values -> the JSON the contract carries (app/common/ipc.ts): bigint addresses become
 * "0x.." strings, per-page arrays become runs, diffs become exact counts plus capped runs.
 */
import { hex as toHex } from '../../common/address.js';
import type { WireChanges, WireError, WireMoveResult, WireRange } from '../../common/ipc.js';
import type { MoveResult } from '../migrator/index.js';
import { statusRuns, type AddressRange } from '../migrator/index.js';
import type { PlacementDiff } from '../../common/snapshot/diff.js';

/** Runs of changed pages listed in a placement update; past this they are only counted (and the page says so). */
export const CHANGE_RANGE_LIMIT = 20_000;

export { toHex };

export function rangeToWire(range: AddressRange): WireRange {
  return { start: toHex(range.start), end: toHex(range.end) };
}

/** The validator has already checked the strings, so BigInt cannot throw here. */
export function rangeFromWire(range: WireRange): AddressRange {
  return { start: BigInt(range.start), end: BigInt(range.end) };
}

export function changesToWire(diff: PlacementDiff, rangeLimit: number = CHANGE_RANGE_LIMIT): WireChanges {
  const pageSize = BigInt(diff.pageSize);
  const ranges: WireChanges['ranges'] = [];
  let rangesTotal = 0;
  for (const region of diff.regions) {
    rangesTotal += region.ranges.length;
    for (const range of region.ranges) {
      if (ranges.length >= rangeLimit) break;
      ranges.push({ start: toHex(region.start + BigInt(range.page) * pageSize), pages: range.pages, from: range.from, to: range.to });
    }
  }
  return { total: diff.changedPages, summary: diff.transitions, ranges, rangesTotal, newPages: diff.newPages, gonePages: diff.gonePages };
}

export function moveResultToWire(moveId: string, result: MoveResult, undoable: boolean): WireMoveResult {
  return {
    moveId,
    outcome: result.outcome,
    message: result.message,
    toNode: result.toNode,
    counts: { ...result.counts },
    failures: result.failures.map((f) => ({ status: f.status, code: f.code, pages: f.pages, reason: f.reason })),
    segments: result.segments.map(rangeToWire),
    statusRuns: statusRuns(result),
    durationMs: result.durationMs,
    undoable,
  };
}

/**
 * A move that never sent a page (refused by the migrator's checks, or cancelled while it was
 * still asking where the pages are): reported like any other finished move, so the renderer
 * has a single place to learn how a move ended.
 */
export function unstartedMoveToWire(moveId: string, toNode: number | null, error: WireError, durationMs: number): WireMoveResult {
  const outcome: WireMoveResult['outcome'] = error.code === 'ABORTED' ? 'cancelled' : error.code === 'ESRCH' ? 'exited' : 'failed';
  return {
    moveId,
    outcome,
    message: error.message,
    toNode,
    counts: { requested: 0, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: 0, moved: 0, failed: 0, notAttempted: 0 },
    failures: [],
    segments: [],
    statusRuns: [],
    durationMs,
    undoable: false,
  };
}
