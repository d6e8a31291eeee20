/**
 * The worker's side of an incremental poll: reads the change signals, plans the poll
 * (rescan-plan.ts), brings the presence bits up to date (presence-bits.ts) and tells the
 * engine which pages of each region to ask about (EngineRegion.ranges). Presence is walked
 * before any page is asked about, so a page that appears during the queries is seen as new
 * by the next poll rather than missed by both.
 */
import { readMovers, moversMoved, type ChangeSignals } from './change-signals.js';
import type { EngineRegion } from './engine-contract.js';
import { newPresenceBits, RangeList, updatePresence } from './presence-bits.js';
import type { PresenceWalk } from './presence-walk.js';
import type { PollReply, PollRequest } from './protocol.js';
import { planPoll, type PollPlan } from './rescan-plan.js';

const NOTHING = new Float64Array(0);

export interface PollContext {
  request: PollRequest;
  /** Whether this is a rescan (a first scan has nothing to compare with). */
  rescan: boolean;
  regions: EngineRegion[];
  /** Per region: the index of the previous region whose array it kept, or -1. */
  kept: readonly number[];
  walk: PresenceWalk | null;
  /** The target's faults and resident pages now. */
  counters: OwnCounters;
}

/** The change signals the target's own /proc/PID/stat carries. */
export type OwnCounters = Pick<ChangeSignals, 'faults' | 'resident'>;

function plan(context: PollContext, signals: ChangeSignals): PollPlan {
  const { request, kept, walk } = context;
  if (!context.rescan || request.signals === null) return { kind: 'full', reason: 'first scan' };
  const survivors = new Set(kept.filter((k) => k >= 0));
  return planPoll({
    tracking: walk !== null && kept.every((k) => k < 0 || (request.presence[k] ?? null) !== null),
    dueFull: request.dueFull,
    duePresence: request.duePresence,
    moversMoved: moversMoved(request.signals, signals),
    faultsMoved: request.signals.faults !== signals.faults,
    residentMoved: request.signals.resident !== signals.resident,
    mapsChanged: survivors.size !== kept.length || survivors.size !== request.presence.length,
  });
}

/** Sets each region's `ranges` for this poll and returns the reply's poll part. */
export function preparePoll(context: PollContext): PollReply {
  const { regions, kept, walk, request } = context;
  const signals: ChangeSignals = { movers: readMovers(), ...context.counters };
  const { kind, reason } = plan(context, signals);
  let presenceChangedPages = 0;
  const presence = regions.map((region, i): Uint32Array | null => {
    const old = kept[i] !== undefined && (kept[i] as number) >= 0 ? (request.presence[kept[i] as number] ?? null) : null;
    if (walk === null) return null;
    const visit = (runs: (start: number, end: number) => void): void => walk.walk(region.firstPage, region.pages, runs);
    if (kind === 'full' || old === null) {
      const bits = old ?? newPresenceBits(region.pages);
      updatePresence(bits, region.pages, visit, null);
      return bits;
    }
    if (kind === 'quiet') {
      region.ranges = NOTHING;
      return old;
    }
    const changed = new RangeList();
    updatePresence(old, region.pages, visit, changed);
    presenceChangedPages += changed.pages;
    // Special mappings and hugetlb: pagemap does not say enough about them, and they are small.
    region.ranges = region.queryAll ? null : changed.toArray();
    return old;
  });
  return { kind, reason, presence, signals, presenceChangedPages };
}
