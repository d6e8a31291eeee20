/**
 * Keeps a live picture of one process: scans, then polls every `intervalMs` (measured
 * from the end of one poll to the start of the next, so a slow scan never piles up),
 * reporting what changed each time. The UI and serve mode listen to it.
 *
 * Polls are incremental (rescan-plan.ts): a poll of a process in which nothing changed asks
 * the kernel about no page at all, one after a fault or a presence change asks only about
 * the pages whose presence changed, and a system-wide migration, or every `fullEvery`th
 * poll, rescans every page. The Poller keeps what the next poll compares with: the presence
 * bits and the signals of the last one.
 */
import type { Placement } from '../../common/types.js';
import type { ThreadCpu } from '../proc/thread-usage.js';
import type { PollReply } from './protocol.js';
import type { PollKind } from './rescan-plan.js';
import { rescanProcess, scanProcess, type RescanResult, type ScanOptions, type ScanStats } from './scan.js';

/** A full rescan every this many polls unless told otherwise (half a minute at 1 Hz). */
export const DEFAULT_FULL_EVERY = 30;
/** A presence walk at least every this many polls: a change no counter shows is seen within two. */
const PRESENCE_EVERY = 2;
/**
 * The most of one core each periodic check (the full rescan, the presence walk) may cost on
 * its own. A check that took longer than this share of the interval last time is spread out
 * to match: on a 64 GiB sparse process a presence walk of ~70 ms every other poll was most of
 * the cost of watching it. Changes a counter shows (faults, maps, migrations) still trigger a
 * walk or a rescan at the next poll; only changes no counter shows wait longer.
 */
export const PERIODIC_SHARE = 0.01;

/** Polls between two runs of a periodic check that took `costMs`, at least `base`, so it stays within PERIODIC_SHARE. */
export function periodWithinBudget(base: number, costMs: number | null, intervalMs: number): number {
  if (costMs === null || !(costMs > 0)) return base;
  return Math.max(base, Math.ceil(costMs / (PERIODIC_SHARE * intervalMs)));
}

export interface PollerOptions extends Omit<ScanOptions, 'signal' | 'onProgress' | 'poll'> {
  /**
   * Every this many polls, the first scan's included, every page is asked about again,
   * whatever the signals say (1: every poll, as a plain rescan). Given, it is kept exactly;
   * by default it is DEFAULT_FULL_EVERY, or more where a full rescan costs more than
   * PERIODIC_SHARE of a core at that rate (periodWithinBudget).
   */
  fullEvery?: number;
  /**
   * Read after every scan and handed on with the update (`threads`): the threads' CPU time, for
   * locality per poll. A failed reading is null; the poll itself stands.
   */
  readThreads?: (pid: number) => Promise<ThreadCpu[]>;
}

export interface PollUpdate {
  placement: Placement;
  stats: ScanStats;
  /** Null for the first scan. */
  changes: RescanResult['changes'] | null;
  regionsAdded: RescanResult['regionsAdded'];
  regionsRemoved: RescanResult['regionsRemoved'];
  sequence: number;
  /** What this poll did: rescanned every page, only where presence changed, or nothing. */
  poll?: { kind: PollKind; reason: string };
  /** The threads' CPU time read right after the scan (PollerOptions.readThreads); null when that failed. */
  threads?: ThreadCpu[] | null;
}

export interface PollerEvents {
  onUpdate(update: PollUpdate): void;
  /** The target exited or cannot be read any more; polling has stopped. */
  onError(error: Error): void;
  onProgress?(donePages: number, totalPages: number): void;
}

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private controller: AbortController | null = null;
  private placement: Placement | null = null;
  private sequence = 0;
  private stopped = false;
  private paused = false;
  private readonly fullEvery: number;
  /** Whether the caller chose fullEvery (kept exactly) or left the default (stretched by cost). */
  private readonly fullEveryChosen: boolean;
  /** How long the last full rescan and the last presence poll took, for periodWithinBudget. */
  private lastFullMs: number | null = null;
  private lastPresenceMs: number | null = null;
  private readonly scanOptions: Omit<ScanOptions, 'signal' | 'onProgress' | 'poll'>;
  private readonly readThreads: PollerOptions['readThreads'];
  /** From the last poll: presence bits (per region of `placement`) and signals. */
  private tracked: PollReply | null = null;
  private sinceFull = 0;
  private sincePresence = 0;
  private fullWanted = false;

  constructor(
    readonly pid: number,
    private intervalMs: number,
    private readonly events: PollerEvents,
    options: PollerOptions = {},
  ) {
    if (!(intervalMs >= 50)) throw new RangeError('poll interval must be at least 50 ms');
    const { fullEvery = DEFAULT_FULL_EVERY, readThreads, ...scanOptions } = options;
    this.readThreads = readThreads;
    if (!(Number.isInteger(fullEvery) && fullEvery >= 1)) throw new RangeError('fullEvery must be an integer >= 1');
    this.fullEvery = fullEvery;
    this.fullEveryChosen = options.fullEvery !== undefined;
    this.scanOptions = scanOptions;
  }

  start(): void {
    if (this.running || this.timer || this.stopped) return;
    this.schedule(0);
  }

  get current(): Placement | null {
    return this.placement;
  }

  get interval(): number {
    return this.intervalMs;
  }

  setInterval(ms: number): void {
    if (!(ms >= 50)) throw new RangeError('poll interval must be at least 50 ms');
    this.intervalMs = ms;
    if (this.timer) {
      clearTimeout(this.timer);
      this.schedule(ms);
    }
  }

  pause(): void {
    this.paused = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  resume(): void {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    if (!this.running) this.schedule(0);
  }

  /** Rescans every page now (e.g. right after a migration) instead of waiting for the timer. */
  async refresh(): Promise<void> {
    if (this.running) await this.running;
    this.fullWanted = true;
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort(new Error('polling stopped'));
    await this.running?.catch(() => undefined);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delay);
  }

  private tick(): Promise<void> {
    const work = this.scanOnce().finally(() => {
      this.running = null;
      if (!this.stopped && !this.paused) this.schedule(this.intervalMs);
    });
    this.running = work;
    return work;
  }

  private async scanOnce(): Promise<void> {
    this.controller = new AbortController();
    const options: ScanOptions = { ...this.scanOptions, signal: this.controller.signal, poll: this.pollRequest() };
    if (this.events.onProgress) options.onProgress = this.events.onProgress;
    try {
      const previous = this.placement;
      const rescan: RescanResult | null = previous === null ? null : await rescanProcess(previous, options);
      const { placement, stats, poll } = rescan ?? (await scanProcess(this.pid, options));
      this.track(poll, stats.durationMs);
      const threads = this.readThreads === undefined ? undefined : await this.readThreads(this.pid).catch(() => null);
      const update: PollUpdate = {
        placement,
        stats,
        changes: rescan?.changes ?? null,
        regionsAdded: rescan?.regionsAdded ?? [],
        regionsRemoved: rescan?.regionsRemoved ?? [],
        sequence: ++this.sequence,
        poll: poll ? { kind: poll.kind, reason: poll.reason } : { kind: 'full', reason: 'untracked' },
        ...(threads === undefined ? {} : { threads }),
      };
      this.placement = update.placement;
      if (!this.stopped) this.events.onUpdate(update);
    } catch (error) {
      if (this.stopped) return;
      this.stopped = true;
      this.events.onError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.controller = null;
    }
  }

  private pollRequest(): NonNullable<ScanOptions['poll']> {
    const tracked = this.tracked;
    return {
      presence: tracked?.presence ?? [],
      signals: tracked?.signals ?? null,
      dueFull: this.fullWanted || this.sinceFull + 1 >= this.fullPeriod(),
      duePresence: this.sincePresence + 1 >= this.presencePeriod(),
    };
  }

  /** Polls between two full rescans now. */
  fullPeriod(): number {
    return this.fullEveryChosen ? this.fullEvery : periodWithinBudget(this.fullEvery, this.lastFullMs, this.intervalMs);
  }

  /** Polls between two presence walks when no counter asks for one. */
  presencePeriod(): number {
    return periodWithinBudget(PRESENCE_EVERY, this.lastPresenceMs, this.intervalMs);
  }

  private track(poll: PollReply | null, durationMs: number): void {
    this.tracked = poll;
    // The first scan (poll null) starts the process's figures too: it is a full rescan.
    if (poll === null || poll.kind === 'full') this.lastFullMs = durationMs;
    else if (poll.kind === 'presence') this.lastPresenceMs = durationMs;
    if (poll === null || poll.kind === 'full') {
      this.fullWanted = false;
      this.sinceFull = 0;
      this.sincePresence = 0;
      return;
    }
    this.sinceFull++;
    this.sincePresence = poll.kind === 'presence' ? 0 : this.sincePresence + 1;
  }
}
