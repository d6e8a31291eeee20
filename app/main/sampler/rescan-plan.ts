/**
 * How much of a process one poll rescans, from the change signals (change-signals.ts):
 *
 * - full: every page asked about again, as a first scan does. When presence cannot be
 *   tracked (no pagemap, or no bits from the last poll), when a system-wide counter says some
 *   page somewhere moved (nothing cheap says whose: the target's pages may be among them),
 *   and every `fullEvery` polls as a backstop for what no signal shows.
 * - presence: a presence walk compared with the last one; move_pages only for the pages
 *   whose presence changed, and for regions that are new in maps. When the target faulted,
 *   its resident size changed (MADV_DONTNEED, reclaim, swap-out) or its maps changed, and at
 *   least every `presenceEvery` polls otherwise (for what no counter of the target shows).
 * - quiet: nothing asked at all; every page keeps its answer.
 */
export type PollKind = 'full' | 'presence' | 'quiet';

export interface PlanInput {
  /** Presence bits exist for every kept region, and a presence walk is possible. */
  tracking: boolean;
  /** The backstop is due (or a rescan was asked for). */
  dueFull: boolean;
  /** The periodic presence walk is due. */
  duePresence: boolean;
  moversMoved: boolean;
  faultsMoved: boolean;
  /** The target's resident size changed: pages were dropped or added, faults or not. */
  residentMoved: boolean;
  mapsChanged: boolean;
}

export interface PollPlan {
  kind: PollKind;
  /** Why, in a few words (shown in benchmarks and tests). */
  reason: string;
}

export function planPoll(input: PlanInput): PollPlan {
  if (!input.tracking) return { kind: 'full', reason: 'presence not tracked' };
  if (input.dueFull) return { kind: 'full', reason: 'backstop' };
  if (input.moversMoved) return { kind: 'full', reason: 'pages moved somewhere in the system' };
  if (input.mapsChanged) return { kind: 'presence', reason: 'maps changed' };
  if (input.faultsMoved) return { kind: 'presence', reason: 'the target faulted' };
  if (input.residentMoved) return { kind: 'presence', reason: 'resident size changed' };
  if (input.duePresence) return { kind: 'presence', reason: 'periodic presence check' };
  return { kind: 'quiet', reason: 'no signal' };
}
