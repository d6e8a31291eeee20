/**
 * Does polling a large process keep the main thread responsive? Polls a touched target
 * once a second with the sampler's Poller on this thread and records how late the event
 * loop ran (perf_hooks.monitorEventLoopDelay), after an idle baseline for comparison.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Poller } from '../app/main/sampler/poller.js';
import { summarize, type Summary } from './stats.js';
import { withTarget } from './targets.js';
import { bytesPerPage, placementPages } from './verify.js';

export interface EventLoopResult {
  targetSize: string;
  seconds: number;
  intervalMs: number;
  resolutionMs: number;
  /** Raw histogram values (timer period included), idle and while polling. */
  idleP99Ms: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 beyond the timer period: how late the loop ran. This is what the goal is about. */
  p99DelayMs: number;
  scans: number;
  scanMs: Summary;
  pages: number;
  bytesPerPage: number;
  error: string | null;
  maxP99Ms: number;
  pass: boolean;
}

/**
 * The histogram samples with a timer of this period and records the whole time between two
 * firings, so an idle loop reads about RESOLUTION_MS: the delay is what lies beyond it.
 */
export const RESOLUTION_MS = 10;

async function measureIdle(ms: number): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  await sleep(ms);
  histogram.disable();
  return histogram.percentile(99) / 1e6;
}

export async function runEventLoop(size: string, seconds: number, maxP99Ms: number, log: (line: string) => void): Promise<EventLoopResult> {
  log(`event loop: starting target --anon ${size} --nohuge`);
  return withTarget(['--anon', size, '--nohuge'], async (target) => {
    const idleP99Ms = await measureIdle(2000);
    const durations: number[] = [];
    const errors: Error[] = [];
    let pages = 0;
    let perPage = Number.NaN;
    const intervalMs = 1000;
    const poller = new Poller(target.pid, intervalMs, {
      onUpdate(update) {
        durations.push(update.stats.durationMs);
        pages = placementPages(update.placement);
        perPage = bytesPerPage(update.placement);
      },
      onError(cause) {
        errors.push(cause);
      },
    });
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    log(`  polling every ${intervalMs} ms for ${seconds} s`);
    histogram.enable();
    poller.start();
    try {
      await sleep(seconds * 1000);
    } finally {
      await poller.stop();
      histogram.disable();
    }
    const p99Ms = histogram.percentile(99) / 1e6;
    const failure = errors[0] ?? null;
    return {
      targetSize: size,
      seconds,
      intervalMs,
      resolutionMs: RESOLUTION_MS,
      idleP99Ms,
      p50Ms: histogram.percentile(50) / 1e6,
      p99Ms,
      maxMs: histogram.max / 1e6,
      p99DelayMs: Math.max(0, p99Ms - RESOLUTION_MS),
      scans: durations.length,
      scanMs: summarize(durations),
      pages,
      bytesPerPage: perPage,
      error: failure === null ? null : failure.message,
      maxP99Ms,
      pass: failure === null && durations.length > 0 && p99Ms - RESOLUTION_MS <= maxP99Ms,
    };
  });
}
