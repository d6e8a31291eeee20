/**
 * Domain values -> the JSON the contract carries (app/common/ipc.ts): bigint addresses become
 * "0x.." strings, per-page arrays become runs, change logs become counts plus a capped sample.
 */
import { hex as toHex } from '../../common/address.js';
import type { WireChanges, WireError, WireMoveResult, WireRange } from '../../common/ipc.js';
import type { MoveResult } from '../migrator/index.js';
import { statusRuns, type AddressRange } from '../migrator/index.js';
import type { ChangeLog } from '../sampler/changes.js';

/** Changed pages listed one by one in a placement update; the rest are only counted. */
export const CHANGE_SAMPLE_LIMIT = 2000;

export { toHex };

export function rangeToWire(range: AddressRange): WireRange {
  return { start: toHex(range.start), end: toHex(range.end) };
}

/** The validator has already checked the strings, so BigInt cannot throw here. */
export function rangeFromWire(range: WireRange): AddressRange {
  return { start: BigInt(range.start), end: BigInt(range.end) };
}

export function changesToWire(log: ChangeLog, sampleLimit: number = CHANGE_SAMPLE_LIMIT): WireChanges {
  const sample = log
    .list()
    .slice(0, sampleLimit)
    .map((change) => ({ address: toHex(change.address), from: change.from, to: change.to }));
  return { total: log.total, summary: log.summary(), sample };
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
