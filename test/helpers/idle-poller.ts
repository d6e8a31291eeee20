/**
 * A poller that never scans: a service watching through it plans moves from the kernel's
 * answers alone, as it does for a process before its first scan.
 */
import type { Placement } from '../../app/common/types.js';
import type { PollerLike } from '../../app/main/service/deps.js';

export class IdlePoller implements PollerLike {
  readonly current: Placement | null = null;
  constructor(public interval: number) {}
  start(): void {}
  async stop(): Promise<void> {}
  pause(): void {}
  resume(): void {}
  setInterval(ms: number): void {
    this.interval = ms;
  }
  async refresh(): Promise<void> {}
}
