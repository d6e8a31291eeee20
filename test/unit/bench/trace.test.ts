import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forcedWork, mainThreadWork, traceEvents, workKind, type TraceEvent } from '../../../bench/input/trace.js';

const MAIN = { pid: 1, tid: 10 };
const OTHER = { pid: 1, tid: 11 };
const WORKER = { pid: 1, tid: 12 };

function thread(where: { pid: number; tid: number }, name: string): TraceEvent {
  return { name: 'thread_name', ph: 'M', ts: 0, ...where, args: { name } };
}

function complete(where: { pid: number; tid: number }, name: string, ts: number, dur: number): TraceEvent {
  return { name, ph: 'X', ts, dur, ...where };
}

test('main-thread work is self time by kind: a forced style recalc inside a script counts as style, not twice', () => {
  const events: TraceEvent[] = [
    thread(MAIN, 'CrRendererMain'),
    thread(OTHER, 'Compositor'),
    thread(WORKER, 'CompositorTileWorker1'),
    // A task of 10 ms: a wheel handler of 6 ms that forced 2 ms of style, then 3 ms of layout.
    complete(MAIN, 'RunTask', 0, 10_000),
    complete(MAIN, 'EventDispatch', 0, 6_000),
    complete(MAIN, 'UpdateLayoutTree', 1_000, 2_000),
    complete(MAIN, 'Layout', 6_000, 3_000),
    // Begin/end pairs count too.
    { name: 'Paint', ph: 'B', ts: 20_000, ...MAIN },
    { name: 'Paint', ph: 'E', ts: 21_500, ...MAIN },
    // Not the main thread: only raster tasks of other threads count, as raster.
    complete(OTHER, 'Layout', 0, 50_000),
    complete(WORKER, 'RasterTask', 30_000, 4_000),
  ];
  const work = mainThreadWork(events);
  assert.equal(work.script, 4);
  assert.equal(work.style, 2);
  assert.equal(work.layout, 3);
  assert.equal(work.paint, 1.5);
  assert.equal(work.raster, 4);
  assert.equal(work.other, 1, 'the task less what ran inside it');
  assert.deepEqual(work.byName, { RunTask: 1, EventDispatch: 4, UpdateLayoutTree: 2, Layout: 3, Paint: 1.5 });
});

test('event names map to kinds, and a trace reads as an object or a bare array', () => {
  assert.equal(workKind('FireAnimationFrame'), 'script');
  assert.equal(workKind('MinorGC'), 'script');
  assert.equal(workKind('UpdateLayoutTree'), 'style');
  assert.equal(workKind('Layout'), 'layout');
  assert.equal(workKind('PrePaint'), 'paint');
  assert.equal(workKind('ThreadControllerImpl::RunTask'), 'other');
  const event = complete(MAIN, 'Layout', 0, 1);
  assert.deepEqual(traceEvents(JSON.stringify({ traceEvents: [event] })), [event]);
  assert.deepEqual(traceEvents(JSON.stringify([event])), [event]);
});

test('CPU time is read from thread times where the trace has them', () => {
  const events: TraceEvent[] = [
    thread(MAIN, 'CrRendererMain'),
    // 10 ms of wall time of which the thread ran 4; 3 of the 5 ms of paint inside it.
    { ...complete(MAIN, 'RunTask', 0, 10_000), tdur: 4_000 },
    { ...complete(MAIN, 'Paint', 1_000, 5_000), tdur: 3_000 },
  ];
  const work = mainThreadWork(events);
  assert.equal(work.paint, 3);
  assert.equal(work.other, 1);
});

test('forced style and layout: those that ran inside a script, not those of the frame itself', () => {
  const events: TraceEvent[] = [
    thread(MAIN, 'CrRendererMain'),
    thread(OTHER, 'Compositor'),
    // An animation frame callback read a computed style: forced.
    complete(MAIN, 'RunTask', 0, 10_000),
    complete(MAIN, 'FireAnimationFrame', 0, 5_000),
    complete(MAIN, 'FunctionCall', 100, 4_000),
    complete(MAIN, 'UpdateLayoutTree', 1_000, 500),
    // The frame's own style and layout, after the callbacks: not forced.
    complete(MAIN, 'UpdateLayoutTree', 5_000, 1_000),
    complete(MAIN, 'Layout', 6_000, 2_000),
    // A wheel handler that read a size.
    complete(MAIN, 'EventDispatch', 20_000, 3_000),
    complete(MAIN, 'Layout', 21_000, 1_500),
    complete(OTHER, 'FunctionCall', 0, 9_000),
    complete(OTHER, 'Layout', 1_000, 1_000),
  ];
  assert.deepEqual(forcedWork(events), [
    { name: 'UpdateLayoutTree', inside: 'FunctionCall', ms: 0.5 },
    { name: 'Layout', inside: 'EventDispatch', ms: 1.5 },
  ]);
});
