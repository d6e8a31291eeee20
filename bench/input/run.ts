/**
 * `node dist/bench/input/run.js` (`npm run bench -- --parts input-to-paint`): how long a user waits, in Debian's Chromium
 * against serve mode, from a wheel zoom, a ruler drag (pan) or a brush drag (select) to the
 * frame that shows it, and, for reference, the window round trip and the time to the first
 * frame drawn from fine enough tiles. The page measures it (app/renderer/heatmap/
 * input-latency.ts): from the event's timeStamp to a task queued after the painted frame.
 *
 * Two placements: a synthetic 64 GiB (16 Mi-page) process on four nodes served by the
 * end-to-end tests' stand-in server (the service's own PlacementFeed), and a real 8 GiB
 * target (test/fixtures/target.c, a sparse region touching every 4th page: two million
 * runs, so zoomed views need windows) watched by the real `numascope serve`. Beside them, in
 * the same browser and run, the browser alone (reference-page.ts): a page that paints in the
 * input's own handler, the floor of what any page can reach here.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, release } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import type { InputDetail, InputKind } from '../../app/common/draw-detail.js';
import { launchChromium, noChromium } from '../../test/e2e/browser.js';
import { BIG_IDENTITY, interleavedPlacement, startFakeServer } from '../../test/e2e/fake-server.js';
import { startServe } from '../../test/e2e/serve.js';
import { COMMON_OPTIONS, count, jsonFile, onlyChoice, readOptions, text, UsageError } from '../cli.js';
import { percentile } from '../stats.js';
import { withTarget } from '../targets.js';
import { REFERENCE_URL } from './reference-page.js';
import { forcedWork, mainThreadWork, traceEvents, WORK_KINDS, type ForcedWork, type MainThreadWork } from './trace.js';

/** The goal (issue "Live at scale", item 3): p95 input-to-paint of wheel zoom and pan on 64 GiB. */
const INPUT_GOAL_P95_MS = 33;
const USAGE = `usage: node dist/bench/input/run.js [options]      (after npm run build)

Measures, in Debian's Chromium (/usr/bin/chromium) against serve mode, the time from a wheel
zoom, a ruler drag (pan) and a brush drag (select) to the painted frame that shows it, with
the placement:window round trips of the same run: on a synthetic 64 GiB four-node placement
(the end-to-end tests' stand-in server) and on a real 8 GiB target (numascope serve), beside
the browser alone: a page that fills its canvases in the input's own handler.
Target: p95 <= ${INPUT_GOAL_P95_MS} ms for wheel zoom and pan on 64 GiB.

options:
  --quick          12 steps per gesture instead of 30
  --steps N        steps per gesture
  --only NAME      synthetic or real
  --json FILE      also write every sample as JSON to FILE
  --strict         exit 1 when the target is missed
  --trace          also trace each gesture in Chromium and print the main thread's work
                   per step (script, style, layout, paint, raster) and how long each
                   input event waited to be dispatched (the latencies are then traced too)
  --help           this text`;

interface Options {
  steps: number;
  only: 'synthetic' | 'real' | null;
  json: string | null;
  strict: boolean;
  trace: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const values = readOptions(argv, { ...COMMON_OPTIONS, steps: { type: 'string' }, only: { type: 'string' }, strict: { type: 'boolean' }, trace: { type: 'boolean' } });
  const options: Options = { steps: values.quick === true ? 12 : 30, only: null, json: null, strict: values.strict === true, trace: values.trace === true, help: values.help === true };
  if (values.steps !== undefined) options.steps = count('--steps', text(values, 'steps'), 1);
  options.only = onlyChoice(values, ['synthetic', 'real'] as const);
  options.json = jsonFile(values);
  return options;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const WHEEL_DELTA = -160;
const PAN_STEP_PX = 40;
const SELECT_STEP_PX = 20;
/** Between two steps, as a hand on a wheel or a mouse leaves them. */
const STEP_GAP_MS = 50;

interface InputFigures {
  kind: InputKind;
  /** Event timeStamp -> the painted frame showing the new view (or brush). */
  toPaint: number[];
  /** Of those first frames, how many were drawn from coarser tiles than the view needs. */
  coarse: number;
  /** Event timeStamp -> the first painted frame drawn from fine enough tiles. */
  toFine: number[];
  /** With --trace: the main thread's work over the gesture, and how long its input events waited for dispatch (ms). */
  traced: TracedGesture | null;
}

interface TracedGesture {
  steps: number;
  work: MainThreadWork;
  /** Style and layout that scripts forced. */
  forced: ForcedWork[];
  dispatch: number[];
}

interface InputScenario {
  name: string;
  /** The browser alone (reference-page.ts), not the app. */
  reference: boolean;
  pages: number;
  figures: InputFigures[];
  /** placement:window round trips in the page, ms. */
  windows: number[];
  stepsWithoutPaint: number;
}

interface InputResult {
  scenarios: InputScenario[];
  goalP95Ms: number;
  pass: boolean;
}

interface Entry {
  name: string;
  duration: number;
  detail: unknown;
}

/** The page's input measures once there are more than `seen` input-to-paint ones (or after timeoutMs). */
function waitForPaint(page: Page, seen: number, timeoutMs: number): Promise<boolean> {
  return page.evaluate(
    ([count, timeout]: [number, number]) =>
      new Promise<boolean>((resolve) => {
        const perf = (globalThis as unknown as { performance: { getEntriesByName(name: string): unknown[] } }).performance;
        const Observer = (globalThis as unknown as { PerformanceObserver: new (callback: () => void) => { observe(options: { type: string }): void; disconnect(): void } })
          .PerformanceObserver;
        const done = (): boolean => perf.getEntriesByName('numascope:input-to-paint').length > count;
        const observer = new Observer(() => {
          if (done()) finish(true);
        });
        const timer = setTimeout(() => finish(done()), timeout);
        function finish(result: boolean): void {
          observer.disconnect();
          clearTimeout(timer);
          resolve(result);
        }
        observer.observe({ type: 'measure' });
        if (done()) finish(true);
      }),
    [seen, timeoutMs] as [number, number],
  );
}

function entries(page: Page): Promise<Entry[]> {
  return page.evaluate(() =>
    (globalThis as unknown as { performance: { getEntriesByType(type: string): { name: string; duration: number; detail?: unknown }[] } }).performance
      .getEntriesByType('measure')
      .filter((e) => e.name.startsWith('numascope:'))
      .map((e) => ({ name: e.name, duration: e.duration, detail: e.detail ?? null })),
  );
}

async function paintedCount(page: Page): Promise<number> {
  return (await entries(page)).filter((e) => e.name === 'numascope:input-to-paint').length;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `steps` inputs, each followed by waiting for its painted frame; returns the steps that painted nothing. */
async function paced(page: Page, steps: number, step: (i: number) => Promise<void>): Promise<number> {
  let missed = 0;
  for (let i = 0; i < steps; i++) {
    const seen = await paintedCount(page);
    await step(i);
    if (!(await waitForPaint(page, seen, 3000))) missed++;
    await pause(STEP_GAP_MS);
  }
  return missed;
}

/** Trace categories for the main thread's work by kind (bench/input/trace.ts). */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing'];

interface PageProbe {
  __inputDispatch?: { kind: string; waited: number }[];
  __inputKind?: string;
  addEventListener(type: string, listener: (event: { timeStamp: number; buttons: number }) => void, options: { capture: boolean; passive: boolean }): void;
  performance: { now(): number };
}

/** Records, in the page, how long each wheel or pressed pointer move waited between its timeStamp and its dispatch. */
function probeDispatch(page: Page): Promise<void> {
  return page.evaluate(() => {
    const probe = globalThis as unknown as PageProbe;
    probe.__inputDispatch = [];
    const record = (event: { timeStamp: number }): void => {
      probe.__inputDispatch?.push({ kind: probe.__inputKind ?? '', waited: probe.performance.now() - event.timeStamp });
    };
    // Passive and on the window: it changes nothing about how the page's own listeners are dispatched.
    probe.addEventListener('wheel', record, { capture: true, passive: true });
    // Only moves with a button down: the drags of a pan or a brush.
    probe.addEventListener('pointermove', (event) => event.buttons !== 0 && record(event), { capture: true, passive: true });
  });
}

async function measureUrl(browser: Browser, url: string, name: string, pages: number, options: Options, log: (line: string) => void): Promise<InputScenario> {
  const steps = options.steps;
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction(
      () => (globalThis as unknown as { performance: { getEntriesByName(n: string): unknown[] } }).performance.getEntriesByName('numascope:first-draw').length > 0,
      null,
      { timeout: 60_000 },
    );
    const panel = await page.locator('[data-node-panel]').first().boundingBox();
    const ruler = await page.locator('canvas.ruler').boundingBox();
    if (panel === null || ruler === null) throw new Error('no heatmap panel or ruler');
    let missed = 0;
    const traced = new Map<InputKind, Omit<TracedGesture, 'dispatch'>>();
    if (options.trace) await probeDispatch(page);
    /** Runs one gesture's steps, traced with --trace. */
    const gesture = async (kind: InputKind, count: number, run: () => Promise<number>): Promise<void> => {
      if (options.trace) {
        await page.evaluate((k) => ((globalThis as unknown as PageProbe).__inputKind = k), kind);
        await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      }
      missed += await run();
      if (options.trace) {
        const events = traceEvents((await browser.stopTracing()).toString());
        traced.set(kind, { steps: count, work: mainThreadWork(events), forced: forcedWork(events) });
      }
    };
    // Zoom in at 37% of the width, then part of the way back out.
    await page.mouse.move(panel.x + panel.width * 0.37, panel.y + panel.height / 2);
    const zoomOut = Math.ceil(steps / 3);
    await gesture('zoom', steps + zoomOut, async () => (await paced(page, steps, () => page.mouse.wheel(0, WHEEL_DELTA))) + (await paced(page, zoomOut, () => page.mouse.wheel(0, -WHEEL_DELTA))));
    log(`  ${name}: zoomed`);
    const y = ruler.y + ruler.height / 2;
    const x0 = ruler.x + ruler.width * 0.9;
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await gesture('pan', steps, () => paced(page, steps, (i) => page.mouse.move(x0 - (i + 1) * PAN_STEP_PX, y)));
    await page.mouse.up();
    log(`  ${name}: panned`);
    const sx = panel.x + panel.width * 0.1;
    const sy = panel.y + panel.height / 2;
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await gesture('select', steps, () => paced(page, steps, (i) => page.mouse.move(sx + (i + 1) * SELECT_STEP_PX, sy)));
    await page.mouse.up();
    await page.keyboard.press('Escape');
    // Let the last windows arrive.
    await pause(1500);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const all = await entries(page);
    const dispatch = options.trace ? await page.evaluate(() => (globalThis as unknown as PageProbe).__inputDispatch ?? []) : [];
    const detail = (e: Entry): InputDetail | null => e.detail as InputDetail | null;
    const figures = (['zoom', 'pan', 'select'] as const).map((kind): InputFigures => {
      const painted = all.filter((e) => e.name === 'numascope:input-to-paint' && detail(e)?.kind === kind);
      return {
        kind,
        toPaint: painted.map((e) => e.duration),
        coarse: painted.filter((e) => detail(e)?.fine === false).length,
        toFine: all.filter((e) => e.name === 'numascope:input-to-fine' && detail(e)?.kind === kind).map((e) => e.duration),
        traced: tracedGesture(traced.get(kind), dispatch.filter((d) => d.kind === kind).map((d) => d.waited)),
      };
    });
    const windows = all.filter((e) => e.name === 'numascope:window').map((e) => e.duration);
    return { name, reference: url === REFERENCE_URL, pages, figures, windows, stepsWithoutPaint: missed };
  } finally {
    await context.close();
  }
}

function tracedGesture(traced: Omit<TracedGesture, 'dispatch'> | undefined, dispatch: number[]): TracedGesture | null {
  return traced === undefined ? null : { ...traced, dispatch };
}

const SYNTHETIC_PAGES = 16 * 1024 * 1024;
const BROWSER_ALONE = 'the browser alone (a page painting in the input handler)';

async function synthetic(browser: Browser, options: Options, log: (line: string) => void): Promise<InputScenario> {
  const server = await startFakeServer({ placement: (identity) => interleavedPlacement(identity, SYNTHETIC_PAGES), identity: BIG_IDENTITY });
  try {
    return await measureUrl(browser, `${server.url}&pid=${server.pid}&interval=1000`, 'synthetic 64 GiB, 4 nodes (stand-in server)', SYNTHETIC_PAGES, options, log);
  } finally {
    await server.close();
  }
}

async function realTarget(browser: Browser, options: Options, log: (line: string) => void): Promise<InputScenario> {
  return withTarget(['--sparse', '8G:4', '--nohuge'], async (target) => {
    const serve = await startServe(['--pid', String(target.pid)]);
    try {
      return await measureUrl(browser, serve.url, 'real 8 GiB target, every 4th page (numascope serve)', (8 * 2 ** 30) / target.info.pageSize, options, log);
    } finally {
      await serve.stop();
    }
  });
}

async function measureAll(options: Options): Promise<InputResult> {
  const browser = await launchChromium();
  const scenarios: InputScenario[] = [];
  try {
    log('input-to-paint: the browser alone');
    scenarios.push(await measureUrl(browser, REFERENCE_URL, BROWSER_ALONE, 0, options, log));
    if (options.only !== 'real') {
      log('input-to-paint: synthetic 64 GiB');
      scenarios.push(await synthetic(browser, options, log));
    }
    if (options.only !== 'synthetic') {
      log('input-to-paint: real 8 GiB target');
      scenarios.push(await realTarget(browser, options, log));
    }
  } finally {
    await browser.close();
  }
  const held = scenarios.filter((s) => s.pages === SYNTHETIC_PAGES).flatMap((s) => s.figures.filter((f) => f.kind !== 'select'));
  const pass = held.every((f) => f.toPaint.length > 0 && percentile(f.toPaint, 95) <= INPUT_GOAL_P95_MS);
  return { scenarios, goalP95Ms: INPUT_GOAL_P95_MS, pass };
}

function ms(values: readonly number[], p: number): string {
  return values.length === 0 ? 'n/a' : percentile(values, p).toFixed(1);
}

/** The part's table: per placement and gesture, input -> painted and -> fine, and the window round trips. */
function inputTable(result: InputResult): string {
  const rows = [
    '| placement | gesture | n | input -> painted median / p95 / max ms | p95 / the browser alone\'s | first frame coarse | input -> fine median / p95 ms | target p95 | result |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const alone = result.scenarios.find((s) => s.reference);
  result.scenarios.forEach((scenario) => {
    for (const f of scenario.figures) {
      const held = scenario.pages === SYNTHETIC_PAGES && f.kind !== 'select';
      const p95 = f.toPaint.length > 0 ? percentile(f.toPaint, 95) : Number.NaN;
      const floor = alone?.figures.find((g) => g.kind === f.kind)?.toPaint ?? [];
      const ratio = scenario.reference || floor.length === 0 ? '' : `${(p95 / percentile(floor, 95)).toFixed(2)}x`;
      rows.push(
        `| ${scenario.name} | ${f.kind} | ${f.toPaint.length} | ${ms(f.toPaint, 50)} / ${ms(f.toPaint, 95)} / ${ms(f.toPaint, 100)} | ${ratio} | ${scenario.reference ? '' : f.coarse} | ${scenario.reference ? '' : `${ms(f.toFine, 50)} / ${ms(f.toFine, 95)}`} | ${held ? `<= ${result.goalP95Ms}` : ''} | ${held ? (p95 <= result.goalP95Ms ? 'pass' : 'FAIL') : ''} |`,
      );
    }
    if (scenario.reference) return;
    rows.push(`| ${scenario.name} | placement:window round trip | ${scenario.windows.length} | ${ms(scenario.windows, 50)} / ${ms(scenario.windows, 95)} / ${ms(scenario.windows, 100)} | | | | | |`);
    if (scenario.stepsWithoutPaint > 0) rows.push(`| ${scenario.name} | steps with no painted frame within 3 s | ${scenario.stepsWithoutPaint} | | | | | | |`);
  });
  return rows.join('\n');
}

/** With --trace: per placement and gesture, the main thread's work per step by kind and the events that took most. */
function workTable(result: InputResult): string {
  const rows = [
    `| placement | gesture | steps | input dispatch wait median / p95 ms | ${WORK_KINDS.join(' | ')} | main thread total | forced style + layout (count) | largest (self ms a step) |`,
    `|---|---|---|---|${WORK_KINDS.map(() => '---|').join('')}---|---|---|`,
  ];
  for (const scenario of result.scenarios) {
    for (const f of scenario.figures) {
      if (f.traced === null) continue;
      const { steps, work, dispatch, forced } = f.traced;
      const perStep = (value: number): string => (value / steps).toFixed(1);
      const main = WORK_KINDS.filter((k) => k !== 'raster').reduce((sum, k) => sum + work[k], 0);
      const largest = Object.entries(work.byName).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([event, ms]) => `${event} ${perStep(ms)}`).join(', ');
      rows.push(`| ${scenario.name} | ${f.kind} | ${steps} | ${ms(dispatch, 50)} / ${ms(dispatch, 95)} | ${WORK_KINDS.map((k) => perStep(work[k])).join(' | ')} | ${perStep(main)} | ${perStep(forced.reduce((sum, e) => sum + e.ms, 0))} (${forced.length}) | ${largest} |`);
    }
  }
  return rows.join('\n');
}

async function main(options: Options): Promise<number> {
  if (noChromium) {
    log(`bench/input: ${noChromium}`);
    return 1;
  }
  const started = new Date();
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const result = await measureAll(options);
  const out = [
    '',
    `numascope input-to-paint bench: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Linux ${release()}, Node ${process.version}, headless Chromium (--disable-gpu), ` +
      `1400x1000 CSS px, ${started.toISOString()}, load average ${loadAtStart.toFixed(1)} -> ${(loadavg()[0] ?? Number.NaN).toFixed(1)}`,
    `${options.steps} steps a gesture (wheel x1.25 in, then a third as many out; ruler drag ${PAN_STEP_PX} px; brush ${SELECT_STEP_PX} px), ${STEP_GAP_MS} ms between a painted step and the next; polling every 1 s`,
    '',
    inputTable(result),
    ...(options.trace ? ['', 'Main thread CPU time a step (ms, from the thread times in the trace; raster: the tile workers), traced over each gesture, polls included:', '', workTable(result)] : []),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (options.json !== null) {
    await writeFile(options.json, `${JSON.stringify({ started: started.toISOString(), options, result }, null, 2)}\n`);
    log(`results written to ${options.json}`);
  }
  return options.strict && !result.pass ? 1 : 0;
}

let options: Options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`bench/input: ${error.message}\n`);
  process.exit(2);
}
if (options.help) process.stdout.write(`${USAGE}\n`);
else process.exitCode = await main(options);
