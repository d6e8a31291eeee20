/**
 * `node dist/bench/draw/run.js`: how fast the real renderer draws a 4M-page process's
 * per-node heatmaps in Chromium, and how big the placement messages it receives are.
 * See --help and the "Drawing" section of docs/benchmarks.md.
 *
 * It builds nothing (run `npm run build` first): it serves dist/renderer/ from the
 * end-to-end tests' stand-in server (test/e2e/fake-server.ts, which answers with the
 * service's own PlacementFeed) with a synthetic four-node process, drives Debian's Chromium
 * through playwright-core, and reads the performance marks and measures the renderer leaves
 * (app/renderer/heatmap/marks.ts).
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, release } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { statusColumns, tileOf } from '../../app/common/placement-tiles.js';
import { encodeSnapshot } from '../../app/common/snapshot/index.js';
import { PlacementFeed } from '../../app/main/service/index.js';
import type { Placement } from '../../app/common/types.js';
import type { DrawDetail } from '../../app/common/draw-detail.js';
import { launchChromium, noChromium } from '../../test/e2e/browser.js';
import { BIG_IDENTITY, bigPlacement, fakeTopology, interleavedPlacement, startFakeServer, type FakeServer, type Traffic } from '../../test/e2e/fake-server.js';
import { COMMON_OPTIONS, count, jsonFile, onlyChoice, readOptions, text, UsageError } from '../cli.js';
import { percentile } from '../stats.js';

const USAGE = `usage: node dist/bench/draw/run.js [options]      (after npm run build)

Draws a synthetic 4 Mi-page (16 GiB), four-node process's heatmaps with the built renderer
in Chromium (${'/usr/bin/chromium'}), served by the end-to-end tests' stand-in server, and
reports from the renderer's performance measures: the first full draw of every node panel,
and each redraw while zooming with the wheel and panning by dragging the ruler; plus the
bytes of the placement messages (the first update, updates while zoomed, window answers)
against what the old protocol (a whole snapshot per update) would have sent.

Scenarios: "runs" (512 regions in about 2,800 runs: the whole process fits in one exact
update) and "interleaved" (every other region interleaved page by page over the nodes:
about two million runs, so zoomed views fetch windows).

options:
  --quick        one round of 10 zoom and 10 pan steps per scenario
  --rounds N     rounds per scenario, each in a fresh page (default 3)
  --steps N      wheel steps and drag steps per round (default 30)
  --only NAME    one scenario: runs or interleaved
  --dpr N        device pixel ratio of the page (default 1)
  --json FILE    also write every sample as JSON to FILE
  --strict       exit 1 when a target is missed (default: only when a run fails)
  --help         this text`;

interface Options {
  rounds: number;
  steps: number;
  only: string | null;
  dpr: number;
  json: string | null;
  strict: boolean;
  help: boolean;
}


function parseArgs(argv: readonly string[]): Options {
  const values = readOptions(argv, { ...COMMON_OPTIONS, steps: { type: 'string' }, dpr: { type: 'string' }, only: { type: 'string' }, strict: { type: 'boolean' } });
  const quick = values.quick === true;
  const options: Options = { rounds: quick ? 1 : 3, steps: quick ? 10 : 30, only: null, dpr: 1, json: null, strict: values.strict === true, help: values.help === true };
  if (values.rounds !== undefined) options.rounds = count('--rounds', text(values, 'rounds'), 1);
  if (values.steps !== undefined) options.steps = count('--steps', text(values, 'steps'), 1);
  if (values.dpr !== undefined) options.dpr = count('--dpr', text(values, 'dpr'), 1);
  options.only = onlyChoice(values, ['runs', 'interleaved'] as const);
  options.json = jsonFile(values);
  return options;
}

interface Scenario {
  name: string;
  placement: () => Placement;
}

const SCENARIOS: Scenario[] = [
  { name: 'runs', placement: () => bigPlacement() },
  { name: 'interleaved', placement: () => interleavedPlacement() },
];

const TARGETS = { firstDrawMs: 100, redrawMs: 16 } as const;
/** The app's default poll period: updates keep arriving while the user zooms and pans. */
const POLL_MS = 1000;
/** d3-zoom scales by 2^(-deltaY * 0.002) a wheel event: -160 is x1.25 a step. */
const WHEEL_DELTA = -160;
const PAN_STEP_PX = 40;

/** What the page's performance timeline holds (see app/renderer/heatmap/marks.ts). */
interface Measure {
  name: string;
  start: number;
  duration: number;
  detail: DrawDetail | null;
}

interface Samples {
  firstDraw: number[];
  firstDrawTask: number[];
  /** The first draw task's parts: aggregate, paint, put, ruler (ms), per round. */
  firstDrawParts: number[][];
  zoom: number[];
  pan: number[];
  inputToPainted: number[];
  tileRedraw: number[];
  /** Draws for a poll's new data that landed during the pan/zoom steps. */
  dataRedraw: number[];
  inputToFine: number[];
  coarseDraws: number;
  stepsWithoutDraw: number;
}

/** What the main process spends on it, timed in this process with the service's PlacementFeed. */
interface MainCost {
  /** Per poll: copy the scan, summarize it, build the overview, and JSON.stringify the update. */
  publishMs: number[];
  /** The old per-poll work: encodeSnapshot and JSON.stringify of the update holding it. */
  oldPublishMs: number[];
  /** One window answer for a zoomed view (about 1.5 M pages in 4,096 bins). */
  windowMs: number[];
  /** 'placement:snapshot' (export, compare): encodeSnapshot of the frozen scan. */
  snapshotMs: number[];
}

interface ScenarioResult {
  name: string;
  pages: number;
  runs: number;
  main: MainCost;
  samples: Samples;
  bytes: { firstUpdate: number; zoomedUpdates: number[]; windows: number[]; oldUpdate: number; tiles: string[] };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** What the page waits for before answering (see waitFor). */
type Condition = 'now' | 'first-draw' | 'draw' | 'fine';

/**
 * The page's numascope measures once `condition` holds for those after the first `seen`
 * (or after `timeoutMs`; null then). The waiting happens in the page, on a
 * PerformanceObserver, so the bench does not poll the renderer while it draws.
 */
function waitFor(page: Page, seen: number, condition: Condition, timeoutMs: number): Promise<Measure[] | null> {
  return page.evaluate(
    ([from, want, timeout]: [number, Condition, number]) =>
      new Promise<Measure[] | null>((resolve) => {
        interface Entry {
          name: string;
          startTime: number;
          duration: number;
          detail?: unknown;
        }
        const perf = (globalThis as unknown as { performance: { getEntriesByType(type: string): Entry[] } }).performance;
        const Observer = (globalThis as unknown as { PerformanceObserver: new (callback: () => void) => { observe(options: { type: string }): void; disconnect(): void } })
          .PerformanceObserver;
        const list = (): Measure[] =>
          perf
            .getEntriesByType('measure')
            .filter((e) => e.name.startsWith('numascope:'))
            .map((e) => ({ name: e.name, start: e.startTime, duration: e.duration, detail: (e.detail ?? null) as Measure['detail'] }));
        const holds = (all: Measure[]): boolean => {
          const fresh = all.slice(from).filter((m) => m.name === 'numascope:draw');
          if (want === 'now') return true;
          if (want === 'first-draw') return all.some((m) => m.name === 'numascope:first-draw');
          if (want === 'draw') return fresh.length > 0;
          return fresh.some((m) => m.detail?.fine === true);
        };
        const observer = new Observer(() => {
          const all = list();
          if (holds(all)) finish(all);
        });
        const timer = setTimeout(() => finish(null), timeout);
        function finish(result: Measure[] | null): void {
          observer.disconnect();
          clearTimeout(timer);
          resolve(result);
        }
        observer.observe({ type: 'measure' });
        const now = list();
        if (holds(now)) finish(now);
      }),
    [seen, condition, timeoutMs] as [number, Condition, number],
  );
}

async function measures(page: Page): Promise<Measure[]> {
  return (await waitFor(page, 0, 'now', 1000)) ?? [];
}

/**
 * After an input: the first draw since it (a poll may land in the same frame, and then the
 * draw counts as one for new data), then, when that one was coarse, the draw of the finer tile.
 */
async function afterInput(page: Page, seen: number, samples: Samples, into: number[]): Promise<number> {
  const all = await waitFor(page, seen, 'draw', 5000);
  if (all === null) {
    log('  (no redraw within 5000 ms)');
    samples.stepsWithoutDraw++;
    return (await measures(page)).length;
  }
  let list = all;
  const fresh = (): Measure[] => list.slice(seen).filter((m) => m.name === 'numascope:draw');
  const first = fresh()[0] as Measure;
  const end = (m: Measure): number => m.start + m.duration;
  const inputAt = first.detail?.sinceInput !== null && first.detail?.sinceInput !== undefined ? end(first) - first.detail.sinceInput : null;
  if (first.detail?.fine === false) {
    samples.coarseDraws++;
    const settled = await waitFor(page, seen, 'fine', 5000);
    if (settled === null) log('  (no finer tile within 5000 ms)');
    else list = settled;
    const fine = settled === null ? undefined : fresh().find((m) => m.detail?.fine === true);
    if (fine !== undefined && inputAt !== null) samples.inputToFine.push(end(fine) - inputAt);
  } else if (inputAt !== null) {
    samples.inputToFine.push(end(first) - inputAt);
  }
  for (const m of fresh()) {
    if (m.detail?.cause === 'view') {
      into.push(m.duration);
      if (m.detail.sinceInput !== null) samples.inputToPainted.push(m.detail.sinceInput);
    } else if (m.detail?.cause === 'tile') samples.tileRedraw.push(m.duration);
    else if (m.detail?.cause === 'data') samples.dataRedraw.push(m.duration);
  }
  return list.length;
}

async function round(browser: Browser, server: FakeServer, options: Options, samples: Samples): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: options.dpr });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}&pid=${server.pid}&interval=${POLL_MS}`);
    const drawn = await waitFor(page, 0, 'first-draw', 30_000);
    const first = drawn?.find((m) => m.name === 'numascope:first-draw');
    if (drawn === null || first === undefined) throw new Error(`the heatmaps were never drawn${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`);
    samples.firstDraw.push(first.duration);
    const task = drawn.find((m) => m.name === 'numascope:draw' && m.detail?.cause === 'data');
    if (task !== undefined) samples.firstDrawTask.push(task.duration);
    if (task?.detail) samples.firstDrawParts.push([task.detail.aggregateMs, task.detail.paintMs, task.detail.putMs, task.detail.rulerMs]);

    const zoomedFrom = server.traffic.length;
    const panel = await page.locator('[data-node-panel="0"]').boundingBox();
    if (panel === null) throw new Error('no node 0 panel');
    // Zoom in about a third of the way along, where both scenarios have several regions.
    await page.mouse.move(panel.x + panel.width * 0.37, panel.y + panel.height / 2);
    let seen = (await measures(page)).length;
    for (let i = 0; i < options.steps; i++) {
      await page.mouse.wheel(0, WHEEL_DELTA);
      seen = await afterInput(page, seen, samples, samples.zoom);
    }
    const ruler = await page.locator('canvas.ruler').boundingBox();
    if (ruler === null) throw new Error('no ruler');
    const y = ruler.y + ruler.height / 2;
    const x0 = ruler.x + ruler.width * 0.9;
    await page.mouse.move(x0, y);
    await page.mouse.down();
    for (let i = 1; i <= options.steps; i++) {
      await page.mouse.move(x0 - i * PAN_STEP_PX, y);
      seen = await afterInput(page, seen, samples, samples.pan);
    }
    await page.mouse.up();
    // Let a poll or two arrive while zoomed in.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 2.5));
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return zoomedFrom;
  } finally {
    await context.close();
  }
}

function oldUpdateBytes(placement: Placement): number {
  const snapshot = encodeSnapshot({ placement, topology: fakeTopology(), tool: { name: 'fake-serve', version: '0' } });
  return Buffer.byteLength(JSON.stringify({ sequence: 1, snapshot, changes: null, scanMs: 12 }));
}

function mainCost(placement: Placement, rounds: number): MainCost {
  const cost: MainCost = { publishMs: [], oldPublishMs: [], windowMs: [], snapshotMs: [] };
  const topology = fakeTopology();
  const feed = new PlacementFeed(null);
  const time = (into: number[], work: () => unknown): void => {
    const t0 = performance.now();
    work();
    into.push(performance.now() - t0);
  };
  for (let i = 0; i < rounds; i++) {
    time(cost.publishMs, () => JSON.stringify(feed.publish({ placement, sequence: i + 1, scanMs: 0 }, topology)));
    time(cost.oldPublishMs, () => JSON.stringify({ sequence: i + 1, snapshot: encodeSnapshot({ placement, topology, tool: null }), changes: null, scanMs: 0 }));
    time(cost.windowMs, () => JSON.stringify(feed.window({ from: 1 << 20, to: (1 << 20) + 1_500_000, pagesPerBin: 512 })));
    time(cost.snapshotMs, () => feed.snapshot());
  }
  return cost;
}

async function runScenario(browser: Browser, scenario: Scenario, options: Options): Promise<ScenarioResult> {
  const placement = scenario.placement();
  const main = mainCost(placement, Math.max(3, options.rounds));
  const pages = placement.regions.reduce((sum, r) => sum + r.status.length, 0);
  const columns = statusColumns(placement.regions.map((r) => r.status));
  const all = tileOf(columns, { from: 0, to: pages, pagesPerBin: 1 }, Number.POSITIVE_INFINITY);
  const runs = all.kind === 'runs' ? all.runs.length / 2 : 0;
  const samples: Samples = { firstDraw: [], firstDrawTask: [], firstDrawParts: [], zoom: [], pan: [], inputToPainted: [], tileRedraw: [], dataRedraw: [], inputToFine: [], coarseDraws: 0, stepsWithoutDraw: 0 };
  const bytes: ScenarioResult['bytes'] = { firstUpdate: 0, zoomedUpdates: [], windows: [], oldUpdate: oldUpdateBytes(placement), tiles: [] };
  for (let r = 0; r < options.rounds; r++) {
    const server = await startFakeServer({ placement: () => scenario.placement(), identity: BIG_IDENTITY });
    try {
      log(`${scenario.name}: round ${r + 1} of ${options.rounds}`);
      const zoomedFrom = await round(browser, server, options, samples);
      const updates = server.traffic.filter((t) => t.channel === 'placement:update');
      if (r === 0) bytes.firstUpdate = updates[0]?.bytes ?? 0;
      const isUpdate = (t: Traffic): boolean => t.channel === 'placement:update';
      bytes.zoomedUpdates.push(...server.traffic.slice(zoomedFrom).filter(isUpdate).map((t) => t.bytes));
      const windows = server.traffic.filter((t) => t.channel === 'placement:window');
      bytes.windows.push(...windows.map((t) => t.bytes));
      if (r === 0) bytes.tiles = [updates[0]?.tile ?? '', ...windows.slice(0, 3).map((t) => t.tile ?? '')];
    } finally {
      await server.close();
    }
  }
  return { name: scenario.name, pages, runs, main, samples, bytes };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const median = (values: readonly number[]): number => percentile(values, 50);

function row(scenario: string, figure: string, values: readonly number[], target: number | null): string[] {
  const p95 = percentile(values, 95);
  const max = values.length > 0 ? Math.max(...values) : Number.NaN;
  // "Each redraw" is the target, so the worst one decides; p95 shows whether a few outliers did.
  const result = target === null || values.length === 0 ? '' : max <= target ? 'pass' : p95 <= target ? 'FAIL (max; p95 passes)' : 'FAIL';
  return [scenario, figure, String(values.length), ms(median(values)), ms(p95), ms(max), target === null ? '' : `<= ${target}`, result];
}

function kib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : 'n/a';
}

function drawTable(results: ScenarioResult[]): string {
  const rows = results.flatMap((r) => [
    row(r.name, 'first full draw: update received -> all 4 panels painted', r.samples.firstDraw, TARGETS.firstDrawMs),
    row(r.name, '  of which the draw task (aggregate + paint + put)', r.samples.firstDrawTask, null),
    row(
      r.name,
      '  of which before it (React render, layout, any wait)',
      r.samples.firstDraw.map((v, i) => v - (r.samples.firstDrawTask[i] ?? Number.NaN)),
      null,
    ),
    row(r.name, 'zoom redraw (wheel step)', r.samples.zoom, TARGETS.redrawMs),
    row(r.name, 'pan redraw (ruler drag step)', r.samples.pan, TARGETS.redrawMs),
    row(r.name, 'redraw when a finer window arrives', r.samples.tileRedraw, TARGETS.redrawMs),
    row(r.name, 'redraw for a poll landing while zoomed in', r.samples.dataRedraw, null),
    row(r.name, 'pan/zoom input -> painted (incl. frame wait)', r.samples.inputToPainted, null),
    row(r.name, 'pan/zoom input -> exact/fine picture (incl. fetch)', r.samples.inputToFine, null),
  ]);
  return table(['scenario', 'figure', 'n', 'median ms', 'p95 ms', 'max ms', 'target', 'result'], rows);
}

function mainTable(results: ScenarioResult[]): string {
  const rows = results.flatMap((r) => [
    [r.name, 'per poll, new: copy scan + summary + overview + JSON', String(r.main.publishMs.length), ms(median(r.main.publishMs)), ms(Math.max(...r.main.publishMs))],
    [r.name, 'per poll, old: encodeSnapshot + JSON', String(r.main.oldPublishMs.length), ms(median(r.main.oldPublishMs)), ms(Math.max(...r.main.oldPublishMs))],
    [r.name, 'placement:window (1.5 M pages, bins of 512) + JSON', String(r.main.windowMs.length), ms(median(r.main.windowMs)), ms(Math.max(...r.main.windowMs))],
    [r.name, 'placement:snapshot on request (encodeSnapshot)', String(r.main.snapshotMs.length), ms(median(r.main.snapshotMs)), ms(Math.max(...r.main.snapshotMs))],
  ]);
  return table(['scenario', 'main-process work', 'n', 'median ms', 'max ms'], rows);
}

function bytesTable(results: ScenarioResult[]): string {
  const rows = results.flatMap((r) => [
    [r.name, 'old protocol: placement:update with the whole snapshot', '1', kib(r.bytes.oldUpdate), kib(r.bytes.oldUpdate)],
    [r.name, 'first placement:update', '1', kib(r.bytes.firstUpdate), kib(r.bytes.firstUpdate)],
    [r.name, 'placement:update while zoomed in', String(r.bytes.zoomedUpdates.length), kib(median(r.bytes.zoomedUpdates)), kib(Math.max(...r.bytes.zoomedUpdates))],
    [r.name, 'placement:window answers', String(r.bytes.windows.length), kib(median(r.bytes.windows)), kib(r.bytes.windows.length > 0 ? Math.max(...r.bytes.windows) : Number.NaN)],
  ]);
  return table(['scenario', 'message', 'n', 'median', 'max'], rows);
}

async function main(options: Options): Promise<number> {
  if (noChromium) {
    log(`bench/draw: ${noChromium}`);
    return 1;
  }
  const started = new Date();
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const browser = await launchChromium();
  const version = browser.version();
  const results: ScenarioResult[] = [];
  const errors: string[] = [];
  const stop = (): void => {
    void browser.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  try {
    for (const scenario of SCENARIOS.filter((s) => options.only === null || s.name === options.only)) {
      try {
        results.push(await runScenario(browser, scenario, options));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push(`${scenario.name}: ${message}`);
        log(`${scenario.name} failed: ${message}`);
      }
    }
  } finally {
    process.off('SIGINT', stop);
    await browser.close();
  }
  const out = [
    '',
    `numascope draw bench: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Linux ${release()}, Node ${process.version}, Chromium ${version} (headless, --disable-gpu), ` +
      `1400x1000 CSS px at dpr ${options.dpr}, ${started.toISOString()}, load average ${loadAtStart.toFixed(1)} -> ${(loadavg()[0] ?? Number.NaN).toFixed(1)}`,
    `rounds ${options.rounds} (a fresh page each), ${options.steps} wheel steps (x1.25) then ${options.steps} ruler drag steps (${PAN_STEP_PX} px) a round; polling every ${POLL_MS} ms`,
    '',
    ...results.map(
      (r) =>
        `${r.name}: ${r.pages.toLocaleString('en-US')} pages, ${r.runs.toLocaleString('en-US')} runs; first update ${r.bytes.tiles[0] ?? ''}; ` +
        `first windows ${r.bytes.tiles.slice(1).join(', ') || 'none (the overview is exact)'}; ` +
        `coarse draws while a window loaded ${r.samples.coarseDraws}; steps that drew nothing ${r.samples.stepsWithoutDraw}; ` +
        `first draw task parts (aggregate/paint/put/ruler ms): ${r.samples.firstDrawParts.map((p) => p.map((v) => v.toFixed(1)).join('/')).join(', ')}`,
    ),
    '',
    drawTable(results),
    '',
    bytesTable(results),
    '',
    mainTable(results),
  ];
  if (errors.length > 0) out.push('', ...errors.map((e) => `error: ${e}`));
  process.stdout.write(`${out.join('\n')}\n`);
  if (options.json !== null) {
    await writeFile(options.json, `${JSON.stringify({ started: started.toISOString(), options, targets: TARGETS, results, errors }, null, 2)}\n`);
    log(`results written to ${options.json}`);
  }
  const missed = results.some((r) =>
    [
      [r.samples.firstDraw, TARGETS.firstDrawMs],
      [r.samples.zoom, TARGETS.redrawMs],
      [r.samples.pan, TARGETS.redrawMs],
      [r.samples.tileRedraw, TARGETS.redrawMs],
    ].some(([values, target]) => (values as number[]).length > 0 && Math.max(...(values as number[])) > (target as number)),
  );
  if (errors.length > 0) return 1;
  return options.strict && missed ? 1 : 0;
}

let options: Options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`bench/draw: ${error.message}\n`);
  process.exit(2);
}
if (options.help) process.stdout.write(`${USAGE}\n`);
else process.exitCode = await main(options);
