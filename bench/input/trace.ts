/**
 * What the renderer's main thread did during a gesture, from a Chromium trace: the self CPU
 * time of each trace event on the page's main thread (CrRendererMain), put into script,
 * style, layout, paint and other, plus the raster work of the compositor's tile workers.
 * Self time, so a forced style recalculation inside a script counts as style, not twice;
 * CPU time, so a loaded machine that keeps the page waiting does not count as its work.
 */

/** The trace event fields read here (Chrome's JSON trace event format). */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** The thread's CPU time over the event, where the trace has it: a machine under load stretches `dur`, not this. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: unknown };
}

export type WorkKind = 'script' | 'style' | 'layout' | 'paint' | 'raster' | 'other';
export const WORK_KINDS: readonly WorkKind[] = ['script', 'style', 'layout', 'paint', 'raster', 'other'];

export type MainThreadWork = Record<WorkKind, number> & {
  /** Every main-thread event's self time, ms, by name: the biggest ones say what to look at. */
  byName: Record<string, number>;
};

const SCRIPT = /^(FunctionCall|EvaluateScript|EventDispatch|FireAnimationFrame|TimerFire|RunMicrotasks|FireIdleCallback|HandlePostMessage|XHRReadyStateChange|XHRLoad|ProfileCall|v8\..*|V8\..*|.*GC.*|.*[Gg]arbage.*)$/;
const STYLE = /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|StyleInvalidatorInvalidationTracking)$/;
const LAYOUT = /^(Layout|UpdateLayout|IntersectionObserverController::computeIntersections|ResizeObserverController::.*)$/;
const PAINT = /^(Paint|PrePaint|Layerize|UpdateLayer|UpdateLayerTree|PaintImage|Commit|CompositeLayers|Decode Image|PaintSetup|.*Canvas.*)$/;

export function workKind(name: string): Exclude<WorkKind, 'raster'> {
  if (SCRIPT.test(name)) return 'script';
  if (STYLE.test(name)) return 'style';
  if (LAYOUT.test(name)) return 'layout';
  if (PAINT.test(name)) return 'paint';
  return 'other';
}

interface Complete {
  name: string;
  ts: number;
  /** Wall time, µs: what nesting is read from. */
  dur: number;
  /** CPU time, µs (the wall time where the trace has no thread time). */
  cpu: number;
}

/** Complete ('X') events, and begin/end ('B'/'E') pairs made complete, of one thread, by start. */
function completeEvents(events: readonly TraceEvent[]): Complete[] {
  const done: Complete[] = [];
  const open: TraceEvent[] = [];
  for (const event of events) {
    if (event.ph === 'X' && event.dur !== undefined) done.push({ name: event.name, ts: event.ts, dur: event.dur, cpu: event.tdur ?? event.dur });
    else if (event.ph === 'B') open.push(event);
    else if (event.ph === 'E') {
      const begin = open.pop();
      if (begin !== undefined) done.push({ name: begin.name, ts: begin.ts, dur: event.ts - begin.ts, cpu: event.ts - begin.ts });
    }
  }
  // Outer events first where two start together, so nesting is read from the order.
  return done.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
}

/** Self CPU time (µs) of each event: its own less that of the events nested directly in it. */
function selfTimes(events: readonly Complete[]): Map<string, number> {
  const byName = new Map<string, number>();
  const stack: { name: string; end: number; self: number }[] = [];
  const close = (upTo: number): void => {
    while (stack.length > 0 && (stack[stack.length - 1] as { end: number }).end <= upTo) {
      const top = stack.pop() as { name: string; self: number };
      byName.set(top.name, (byName.get(top.name) ?? 0) + Math.max(0, top.self));
    }
  };
  for (const event of events) {
    close(event.ts);
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.self -= event.cpu;
    stack.push({ name: event.name, end: event.ts + event.dur, self: event.cpu });
  }
  close(Infinity);
  return byName;
}

/** The events of each renderer main thread (a page with one frame has one). */
function mainThreads(events: readonly TraceEvent[]): TraceEvent[][] {
  const main = new Set<string>();
  for (const event of events) if (event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain') main.add(`${event.pid}:${event.tid}`);
  const perThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const key = `${event.pid}:${event.tid}`;
    if (!main.has(key)) continue;
    const list = perThread.get(key) ?? [];
    list.push(event);
    perThread.set(key, list);
  }
  return [...perThread.values()];
}

/**
 * Main-thread work in ms by kind, summed over every renderer main thread in the trace (a
 * page with one frame has one), and the raster tasks of the tile workers.
 */
export function mainThreadWork(events: readonly TraceEvent[]): MainThreadWork {
  const work: MainThreadWork = { script: 0, style: 0, layout: 0, paint: 0, raster: 0, other: 0, byName: {} };
  for (const event of events) if (event.name === 'RasterTask' && event.ph === 'X' && event.dur !== undefined) work.raster += (event.tdur ?? event.dur) / 1000;
  for (const threadEvents of mainThreads(events)) {
    for (const [name, self] of selfTimes(completeEvents(threadEvents))) {
      const ms = self / 1000;
      work[workKind(name)] += ms;
      work.byName[name] = (work.byName[name] ?? 0) + ms;
    }
  }
  return work;
}

/** A style recalculation or layout that a script forced (it ran inside the script's event), with the script's event. */
export interface ForcedWork {
  name: string;
  /** The script event it ran inside (FireAnimationFrame, EventDispatch, FunctionCall, ...). */
  inside: string;
  ms: number;
}

/**
 * The style recalculations and layouts scripts forced on the main thread: reading a size or
 * a computed style after a change to the DOM. The frame would do them anyway, but forced
 * they run in the middle of a script, and again in the frame after the next change.
 */
export function forcedWork(events: readonly TraceEvent[]): ForcedWork[] {
  const forced: ForcedWork[] = [];
  for (const threadEvents of mainThreads(events)) {
    const stack: { name: string; end: number }[] = [];
    for (const event of completeEvents(threadEvents)) {
      while (stack.length > 0 && (stack[stack.length - 1] as { end: number }).end <= event.ts) stack.pop();
      const kind = workKind(event.name);
      if (kind === 'style' || kind === 'layout') {
        const script = [...stack].reverse().find((e) => workKind(e.name) === 'script');
        if (script !== undefined) forced.push({ name: event.name, inside: script.name, ms: event.cpu / 1000 });
      }
      stack.push({ name: event.name, end: event.ts + event.dur });
    }
  }
  return forced;
}

/** The trace's events, from the JSON Chromium writes (an object with traceEvents, or a bare array). */
export function traceEvents(json: string): TraceEvent[] {
  const parsed = JSON.parse(json) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
}
