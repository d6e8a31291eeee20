/**
 * A Poller whose updates a test takes one at a time, and a way to make a change right after
 * an update so that the next two polls are the ones that must report it.
 */
import assert from 'node:assert/strict';
import type { Placement } from '../../app/common/types.js';
import { Poller, type PollUpdate } from '../../app/main/sampler/poller.js';

const PAGE = 4096n;
export const INTERVAL_MS = 400;

/** Polls a target and hands its updates out one at a time. */
export class Watcher {
  private readonly updates: PollUpdate[] = [];
  private waiting: ((update: PollUpdate) => void) | null = null;
  private pauseOnNext = false;
  private pauseAt: (update: PollUpdate) => boolean = () => true;
  readonly poller: Poller;

  constructor(pid: number, fullEvery: number, intervalMs = INTERVAL_MS) {
    this.poller = new Poller(pid, intervalMs, {
      onUpdate: (update) => {
        // Paused here, inside the callback, the poller schedules no next poll until resumed.
        if (this.pauseOnNext && this.pauseAt(update)) {
          this.poller.pause();
          this.pauseOnNext = false;
        }
        if (this.waiting) {
          const resolve = this.waiting;
          this.waiting = null;
          resolve(update);
        } else this.updates.push(update);
      },
      onError: (error) => {
        throw error;
      },
    }, { fullEvery });
    this.poller.start();
  }

  next(): Promise<PollUpdate> {
    const queued = this.updates.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /**
   * Waits for the next update (the next one `pauseAt` accepts), holding the poller there while
   * the change is made: the next poll starts after the change, so it and the one after are the
   * two that must report it.
   */
  async changeAfterNextUpdate(change: () => Promise<unknown>, pauseAt: (update: PollUpdate) => boolean = () => true): Promise<[PollUpdate, PollUpdate]> {
    this.updates.length = 0;
    this.pauseAt = pauseAt;
    this.pauseOnNext = true;
    let before = await this.next();
    while (!pauseAt(before)) before = await this.next();
    await change();
    this.poller.resume();
    const first = await this.next();
    assert.equal(first.sequence, before.sequence + 1);
    return [first, await this.next()];
  }
}

/** Statuses of the pages [start, end) in a placement, in address order (missing pages are absent). */
export function statusesOf(placement: Placement, start: bigint, end: bigint): number[] {
  const out: number[] = [];
  for (const { vma, status } of placement.regions) {
    for (let page = start > vma.start ? start : vma.start; page < end && page < vma.end; page += PAGE) out.push(status.get(Number((page - vma.start) / PAGE)));
  }
  return out;
}

