/**
 * Keeps a live picture of one process: scans, then rescans every `intervalMs` (measured
 * from the end of one scan to the start of the next, so a slow scan never piles up),
 * reporting what changed each time. The UI and serve mode listen to it.
 */
import type { Placement } from '../../common/types.js';
import { rescanProcess, scanProcess, type RescanResult, type ScanOptions, type ScanStats } from './scan.js';

export interface PollUpdate {
  placement: Placement;
  stats: ScanStats;
  /** Null for the first scan. */
  changes: RescanResult['changes'] | null;
  regionsAdded: RescanResult['regionsAdded'];
  regionsRemoved: RescanResult['regionsRemoved'];
  sequence: number;
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

  constructor(
    readonly pid: number,
    private intervalMs: number,
    private readonly events: PollerEvents,
    private readonly scanOptions: Omit<ScanOptions, 'signal' | 'onProgress'> = {},
  ) {
    if (!(intervalMs >= 50)) throw new RangeError('poll interval must be at least 50 ms');
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

  /** Scans now (e.g. right after a migration) instead of waiting for the timer. */
  async refresh(): Promise<void> {
    if (this.running) await this.running;
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
    const options: ScanOptions = { ...this.scanOptions, signal: this.controller.signal };
    if (this.events.onProgress) options.onProgress = this.events.onProgress;
    try {
      let update: PollUpdate;
      if (this.placement === null) {
        const { placement, stats } = await scanProcess(this.pid, options);
        update = { placement, stats, changes: null, regionsAdded: [], regionsRemoved: [], sequence: ++this.sequence };
      } else {
        const result = await rescanProcess(this.placement, options);
        update = { ...result, sequence: ++this.sequence };
      }
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
}
