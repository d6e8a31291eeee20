/**
 * Heat measurements of the watched process, for the window and serve mode: the same run as
 * `numascope advise` (advice/measure.ts), beside polling, one at a time, with progress and
 * cancel. When no heat source works here the answer is the same one line the CLI prints.
 */
import { heatSectionOf, HOTTEST_LIMIT, type NodePages, type WireHeatReport } from '../../common/heat.js';
import { hex } from '../../common/address.js';
import type { HeatIntervalWire, HeatRequest, Result } from '../../common/ipc.js';
import type { ProcessIdentity, Topology } from '../../common/types.js';
import type { AdviceReport, IntervalHeat, MeasureOptions } from '../advice/measure.js';
import { failure, failureOf, ok } from './errors.js';
import { throttle, type EventHub } from './events.js';

export type MeasureHeat = (pid: number, topology: Topology, options: MeasureOptions) => Promise<AdviceReport>;

export interface HeatDeskDeps {
  /** The live, watched process under pid and start time, or why not. */
  target(pid: number, startTime: number): Promise<Result<ProcessIdentity>>;
  readTopology(): Promise<Topology>;
  /** Pages present in the watched process's latest poll (null before the first), which an interval's used pages are a share of. */
  presentPages?(): number | null;
  /** Left out: the real measurement, DAMON loaded only when asked for. */
  measure?: MeasureHeat;
}

async function realMeasure(pid: number, topology: Topology, options: MeasureOptions): Promise<AdviceReport> {
  const { measureAdvice } = await import('../advice/measure.js');
  const { startDamon } = await import('../heat/damon.js');
  return measureAdvice(pid, topology, { ...options, damon: startDamon });
}

export class HeatDesk {
  private running: AbortController | null = null;

  constructor(
    private readonly deps: HeatDeskDeps,
    private readonly hub: EventHub,
    private readonly progressIntervalMs: number,
  ) {}

  async measure(request: HeatRequest, signal?: AbortSignal): Promise<Result<WireHeatReport>> {
    if (this.running !== null) return failure('BUSY', 'a heat measurement is already running; cancel it or wait for it');
    const target = await this.deps.target(request.pid, request.startTime);
    if (!target.ok) return target;
    if (this.running !== null) return failure('BUSY', 'a heat measurement is already running; cancel it or wait for it');
    const controller = new AbortController();
    this.running = controller;
    // An HTTP asker that goes away stops the measurement too: nobody would see its answer.
    const onGone = (): void => controller.abort(new Error('the asker went away'));
    signal?.addEventListener('abort', onGone, { once: true });
    const gate = throttle(this.progressIntervalMs);
    try {
      const topology = await this.deps.readTopology();
      const report = await (this.deps.measure ?? realMeasure)(request.pid, topology, {
        seconds: request.seconds,
        intervalMs: request.intervalMs,
        choice: request.source,
        signal: controller.signal,
        damon: null,
        onProgress: (done, total, interval) => {
          if (interval !== undefined) {
            // Every interval goes out: each is a point on the page's chart (they are 100 ms apart at least).
            this.hub.emit('heat:progress', { pid: request.pid, done, total, interval: this.intervalOf(interval) });
          } else if (gate(done, total) || done === total) this.hub.emit('heat:progress', { pid: request.pid, done, total });
        },
      });
      return ok(wireReport(report));
    } catch (error) {
      if (controller.signal.aborted) return failure('CANCELLED', `the heat measurement of process ${request.pid} was cancelled`);
      return failureOf(error);
    } finally {
      signal?.removeEventListener('abort', onGone);
      this.running = null;
    }
  }

  private intervalOf({ pages, source, label, at }: IntervalHeat): HeatIntervalWire {
    const present = this.deps.presentPages?.() ?? null;
    const share = present === null || present === 0 ? null : Math.min(1, pages / present);
    return { pages, share, source, label, at: new Date(at).toISOString() };
  }

  async cancel(): Promise<Result<null>> {
    if (this.running === null) return failure('NOT_MEASURING', 'no heat measurement is running');
    this.running.abort(new Error('cancelled'));
    return ok(null);
  }

  /** Ends the running measurement, if any; its request answers CANCELLED. */
  stop(why: string): void {
    this.running?.abort(new Error(why));
  }
}

function nodePages(pages: ReadonlyMap<number, number>): NodePages {
  return Object.fromEntries([...pages].sort((a, b) => a[0] - b[0]).map(([node, count]) => [String(node), count]));
}

export function wireReport(report: AdviceReport): WireHeatReport {
  const { pid, comm, startTime } = report.identity;
  return {
    process: { pid, comm, startTime },
    takenAt: new Date(report.takenAt).toISOString(),
    measurement: heatSectionOf(report.heat),
    locality: report.locality,
    basis: report.weights.basis,
    nodeWeights: Object.fromEntries([...report.weights.weights].map(([node, weight]) => [String(node), weight])),
    hottest: report.ranges.slice(0, HOTTEST_LIMIT).map((range) => ({ start: hex(range.start), end: hex(range.end), heat: range.heat, age: range.age, nodes: nodePages(range.pagesByNode) })),
    rangesTotal: report.ranges.length,
    regions: report.regions.map((region) => ({ start: hex(region.start), end: hex(region.end), name: region.name, locality: region.locality })),
    recommendations: report.advice.recommendations.map((item) => ({ ...item, start: hex(item.start), end: hex(item.end) })),
    notes: report.advice.notes,
  };
}
