/**
 * The timeline end to end: a real target grows and frees memory in steps while serve mode
 * shows it in Chromium and `numascope record` records it; the live chart's per-poll totals
 * and the file's go through the same steps; the file then opens offline (file://, no
 * server) and its scrubber shows each poll's picture and totals.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { notPresentPages, parseTimeline, type Timeline } from '../../app/common/timeline/index.js';
import { Target, repoRoot } from '../helpers/target.js';
import { attribute, noChromium, openBrowserPage, waitForInk } from './browser.js';
import { startServe, waitFor, type Serve } from './serve.js';

const SCREENSHOTS = mkdtempSync(join(tmpdir(), 'numascope-timeline-screenshots-'));
const CHART = '[data-testid="timeline-chart"]';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** [pages on node 0, pages not present]: what the steps change. */
type Totals = [number, number];

/** The values a run of polls settled on: each held for two polls in a row or more, repeats merged. */
function plateaus(values: readonly Totals[]): string[] {
  const out: string[] = [];
  values.forEach((value, i) => {
    const key = value.join('/');
    if (i === 0 || values[i - 1]?.join('/') !== key) return;
    if (out[out.length - 1] !== key) out.push(key);
  });
  return out;
}

describe('a recorded timeline opens offline and shows the same totals per poll as the live view did', { skip: noChromium, timeout: 180_000 }, () => {
  let target: Target;
  let serve: Serve;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  let work: string;
  let recorder: ChildProcess | null = null;
  let timeline: Timeline;
  const live = new Map<number, Totals>();
  const file = (): string => join(work, 'steps.timeline');

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'numascope-e2e-timeline-'));
    target = await Target.start(['--anon', '4M', '--nohuge']);
    serve = await startServe(['--pid', String(target.pid), '--interval', '250']);
    ({ browser, context, page, pageErrors } = await openBrowserPage({ width: 1400, height: 900 }));
  });

  after(async () => {
    recorder?.kill('SIGKILL');
    await browser?.close();
    await serve?.stop();
    await target?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('records the steps while the live chart draws them, poll by poll', async () => {
    await page.goto(serve.url);
    await page.waitForSelector(CHART, { timeout: 30_000 });
    recorder = spawn(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'record', String(target.pid), '-o', file(), '--interval', '250'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => recorder?.on('exit', resolve));
    let stderr = '';
    recorder.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The steps begin once the recorder's first poll is done, however long a loaded machine takes to start it.
    await waitFor('the recorder\'s first poll', async () => stderr.includes('numascope: recording process'), 30_000);
    let sampling = true;
    // Every poll the chart adds, read off its last point as it arrives.
    const sampler = (async () => {
      while (sampling) {
        const [sequence, totals] = await Promise.all([attribute(page, CHART, 'data-last-sequence'), attribute(page, CHART, 'data-last-totals')]);
        if (sequence && totals) {
          const parsed = JSON.parse(totals) as { byNode: Record<string, number>; absent: number };
          live.set(Number(sequence), [parsed.byNode['0'] ?? 0, parsed.absent]);
        }
        await sleep(40);
      }
    })();
    await sleep(1500);
    const grown = await target.map('8M');
    await sleep(1500);
    await target.dontneed(grown.index);
    await sleep(1500);
    await target.map('2M');
    await sleep(1500);
    recorder.kill('SIGINT');
    assert.equal(await exited, 0);
    sampling = false;
    await sampler;
    await page.screenshot({ path: join(SCREENSHOTS, 'live-chart.png'), fullPage: true });

    timeline = parseTimeline(readFileSync(file(), 'utf8'));
    const recorded = timeline.polls.map((poll): Totals => [poll.totals.byNode['0'] ?? 0, notPresentPages(poll.totals)]);
    const shown = [...live.entries()].sort((a, b) => a[0] - b[0]).map(([, totals]) => totals);
    // The two pollers run apart, so their polls fall at other moments: what they agree on is every step the process settled on.
    const fromFile = plateaus(recorded);
    const fromChart = plateaus(shown);
    assert.ok(fromFile.length >= 4, `the file saw too few steps: ${fromFile.join(' ')}`);
    // The chart began before the recording and may outlast it; the file's steps are a run of the chart's.
    const at = fromChart.indexOf(fromFile[0] as string);
    assert.deepEqual(fromChart.slice(at, at + fromFile.length), fromFile, `chart ${fromChart.join(' ')} vs file ${fromFile.join(' ')}`);
    assert.ok(live.size >= 8, `the chart drew only ${live.size} polls`);
  });

  it('hovering the live chart shows a poll\'s totals and, for a recent one, its picture', async () => {
    const plot = page.locator(`${CHART} .timeline-plot`);
    const box = await plot.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
    const readout = page.locator('[data-testid="timeline-readout"]');
    await readout.locator('text=/poll \\d+ .* node 0: /').waitFor({ timeout: 5000 });
    await page.locator('[data-testid="poll-picture"]').waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'live-hover.png'), clip: { x: 0, y: Math.max(0, box.y - 120), width: 1400, height: 260 } });
    assert.deepEqual(pageErrors, []);
  });

  it('opens the file offline and the scrubber shows each poll\'s totals and picture', async () => {
    const offline = await context.newPage();
    const errors: string[] = [];
    offline.on('pageerror', (error) => errors.push(error.message));
    await offline.goto(pathToFileURL(join(repoRoot, 'dist', 'renderer', 'index.html')).href);
    await offline.setInputFiles('[data-testid="open-snapshot"]', file());
    const scrubber = '[data-testid="timeline-scrubber"]';
    await offline.waitForSelector(scrubber, { timeout: 10_000 });
    assert.equal(await attribute(offline, scrubber, 'data-polls'), String(timeline.polls.length));
    const pageSize = timeline.first.pageSize;
    const picks = [0, ...timeline.polls.flatMap((poll, i) => (poll.changed.length > 0 || poll.added.length > 0 ? [i] : [])), timeline.polls.length - 1];
    for (const index of picks) {
      await offline.locator('[data-testid="timeline-slider"]').fill(String(index));
      await waitFor(`poll ${index} shown`, async () => (await attribute(offline, scrubber, 'data-index')) === String(index));
      const poll = timeline.polls[index];
      assert.ok(poll);
      const totals = JSON.parse((await attribute(offline, '[data-testid="timeline-poll"]', 'data-totals')) ?? '{}') as { byNode: Record<string, number>; absent: number };
      assert.deepEqual(totals, { byNode: poll.totals.byNode, absent: notPresentPages(poll.totals) }, `poll ${index}`);
      // The picture is that poll's: the totals bar above the heatmaps counts its pages.
      await waitFor(`poll ${index}'s pages in the totals bar`, async () => (await attribute(offline, '[data-totals-part="0"]', 'data-bytes')) === String((poll.totals.byNode['0'] ?? 0) * pageSize));
    }
    await waitForInk(offline, '[data-node-panel="0"]', 'node 0 canvas pixels (timeline offline)');
    await offline.screenshot({ path: join(SCREENSHOTS, 'offline-scrubber.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await offline.close();
  });
});
