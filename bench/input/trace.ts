/**
 * What the renderer's main thread did during a gesture, from a Chromium trace: the self time
 * of each trace event on the page's main thread (CrRendererMain), put into script, style,
 * layout, paint and other, plus the raster work of the compositor's tile workers. Self
 * time, so a forced style recalculation inside a script counts as style, not twice.
 */

/** The trace event fields read here (Chrome's JSON trace event format). */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
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

/** Complete ('X') events, and begin/end ('B'/'E') pairs made complete, of one thread, by start. */
function completeEvents(events: readonly TraceEvent[]): { name: string; ts: number; dur: number }[] {
  const done: { name: string; ts: number; dur: number }[] = [];
  const open: TraceEvent[] = [];
  for (const event of events) {
    if (event.ph === 'X' && event.dur !== undefined) done.push({ name: event.name, ts: event.ts, dur: event.dur });
    else if (event.ph === 'B') open.push(event);
    else if (event.ph === 'E') {
      const begin = open.pop();
      if (begin !== undefined) done.push({ name: begin.name, ts: begin.ts, dur: event.ts - begin.ts });
    }
  }
  // Outer events first where two start together, so nesting is read from the order.
  return done.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
}

/** Self time (µs) of each event: its duration less that of the events nested directly in it. */
function selfTimes(events: readonly { name: string; ts: number; dur: number }[]): Map<string, number> {
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
    if (parent !== undefined) parent.self -= Math.min(event.dur, parent.end - event.ts);
    stack.push({ name: event.name, end: event.ts + event.dur, self: event.dur });
  }
  close(Infinity);
  return byName;
}

function threadsNamed(events: readonly TraceEvent[], name: string): Set<string> {
  const threads = new Set<string>();
  for (const event of events) if (event.ph === 'M' && event.name === 'thread_name' && event.args?.name === name) threads.add(`${event.pid}:${event.tid}`);
  return threads;
}

/**
 * Main-thread work in ms by kind, summed over every renderer main thread in the trace (a
 * page with one frame has one), and the raster tasks of the tile workers.
 */
export function mainThreadWork(events: readonly TraceEvent[]): MainThreadWork {
  const main = threadsNamed(events, 'CrRendererMain');
  const work: MainThreadWork = { script: 0, style: 0, layout: 0, paint: 0, raster: 0, other: 0, byName: {} };
  const perThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const key = `${event.pid}:${event.tid}`;
    if (main.has(key)) {
      const list = perThread.get(key) ?? [];
      list.push(event);
      perThread.set(key, list);
    }
    else if (event.name === 'RasterTask' && event.ph === 'X' && event.dur !== undefined) work.raster += event.dur / 1000;
  }
  for (const threadEvents of perThread.values()) {
    for (const [name, self] of selfTimes(completeEvents(threadEvents))) {
      const ms = self / 1000;
      work[workKind(name)] += ms;
      work.byName[name] = (work.byName[name] ?? 0) + ms;
    }
  }
  return work;
}

/** The trace's events, from the JSON Chromium writes (an object with traceEvents, or a bare array). */
export function traceEvents(json: string): TraceEvent[] {
  const parsed = JSON.parse(json) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
}
