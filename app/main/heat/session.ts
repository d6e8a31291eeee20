/**
 * One heat measurement of a process over a window: a source (soft-dirty, or DAMON when asked
 * for), sampled at an interval, ending in a HeatMeasurement. When the source cannot work
 * here, one line says why.
 */
import { HEAT_LABELS, type HeatMeasurement, type HeatSourceKind } from '../../common/heat.js';
import { readMaps } from '../proc/maps.js';
import { IntervalCounter } from './accumulate.js';
import { HeatUnavailableError } from './errors.js';
import { SoftDirtyTracker } from './soft-dirty.js';

export type HeatChoice = 'auto' | HeatSourceKind;

export interface HeatSession {
  readonly source: HeatSourceKind;
  /** Ends one interval: called every intervalMs. */
  sample(): Promise<void>;
  /** The measurement so far. */
  result(): HeatMeasurement;
  /** Pages used in the interval the latest `sample` ended (weighted by how much, where the source says); left out where the source cannot tell. */
  lastIntervalPages?(): number;
  /** Releases what the source holds (DAMON: its kdamond). Safe to call twice. */
  close(): Promise<void>;
}

export interface HeatOptions {
  pid: number;
  pageSize: number;
  intervalMs: number;
  choice: HeatChoice;
}

/** DAMON, when a module for it is present; loaded lazily so soft-dirty users never pay for it. */
export type DamonStarter = (options: HeatOptions) => Promise<HeatSession>;

export async function startHeat(options: HeatOptions, damon: DamonStarter | null): Promise<HeatSession> {
  // `auto` is soft-dirty: it needs neither root nor a kernel thread of its own, and sees the
  // writes of any program. DAMON runs when asked for: it needs root and starts a kdamond, and
  // an emulated CPU sets accessed bits again only after a TLB flush that hardware makes by
  // itself (docs/advice-format.md), so under emulation its counts depend on the program.
  if (options.choice === 'damon') {
    if (damon === null) throw new HeatUnavailableError('DAMON: not built into numascope');
    return damon(options);
  }
  try {
    return await SoftDirtySession.start(options);
  } catch (error) {
    if (!(error instanceof HeatUnavailableError)) throw error;
    throw new HeatUnavailableError(`no heat source for process ${options.pid}: ${error.message}`);
  }
}

class SoftDirtySession implements HeatSession {
  readonly source = 'soft-dirty' as const;
  private readonly counter = new IntervalCounter();
  private readonly startedAt = Date.now();
  private endedAt = this.startedAt;
  private closed = false;

  private constructor(
    private readonly tracker: SoftDirtyTracker,
    private readonly options: HeatOptions,
  ) {}

  static async start(options: HeatOptions): Promise<SoftDirtySession> {
    return new SoftDirtySession(SoftDirtyTracker.start(options.pid, options.pageSize), options);
  }

  async sample(): Promise<void> {
    // Only writable mappings can have written pages; the maps are read again every interval
    // so memory mapped meanwhile is seen.
    const writable = (await readMaps(this.options.pid)).filter((vma) => vma.perms[1] === 'w' && vma.kind !== 'vsyscall');
    this.counter.add(this.tracker.sample(writable));
    this.endedAt = Date.now();
  }

  lastIntervalPages(): number {
    return this.counter.lastIntervalPages;
  }

  result(): HeatMeasurement {
    return {
      source: this.source,
      label: HEAT_LABELS[this.source],
      resolution: `${this.options.pageSize / 1024} KiB pages (${this.tracker.method})`,
      samples: this.counter.samples,
      intervalMs: this.options.intervalMs,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      ranges: this.counter.ranges(this.options.pageSize),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tracker.close();
  }
}
