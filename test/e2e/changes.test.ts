/**
 * What the page says changed, against the real `numascope serve` and a target that grows:
 * a comparison reads from the older snapshot to the newer one whichever was opened first, and
 * the live change counts, kept until cleared, equal the diff of snapshots taken before and
 * after the same growth.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSnapshots } from '../../app/common/snapshot/diff.js';
import { formatCount } from '../../app/common/format.js';
import { parseSnapshot } from '../../app/common/snapshot/index.js';
import { cli } from '../helpers/cli.js';
import { screenshotDir } from '../helpers/screenshots.js';
import { Target } from '../helpers/target.js';
import { noChromium, suiteBrowserPage } from './browser.js';
import { startServe, waitFor, type Serve } from './serve.js';

const SCREENSHOTS = screenshotDir();
const PANEL = '[data-node-panel="0"]';

async function snapshot(pid: number, file: string): Promise<string> {
  const run = await cli(['snapshot', String(pid), '-o', file]);
  assert.equal(run.code, 0, run.stderr);
  return file;
}

describe('changes in the page, against numascope serve and a growing target', { skip: noChromium, timeout: 180_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 1000 });
  let target: Target;
  let serve: Serve;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'numascope-e2e-changes-'));
    target = await Target.start(['--anon', '4M', '--untouched', '8M', '--nohuge']);
    serve = await startServe(['--pid', String(target.pid), '--interval', '250']);
  });

  after(async () => {
    await serve?.stop();
    await target?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('counts live changes exactly, until cleared, as the diff of snapshots before and after the growth', async () => {
    await ui.page.goto(serve.url);
    await ui.page.waitForSelector(PANEL, { timeout: 30_000 });
    await ui.page.locator('[data-testid="changes-total"]').waitFor({ timeout: 20_000 });
    await ui.page.click('[data-testid="change-clear"]');
    assert.equal(await ui.page.locator('[data-testid="change-span"]').inputValue(), 'cleared');
    const beforeFile = await snapshot(target.pid, join(work, 'live-before.json'));
    await target.fill(1, 3);
    const afterFile = await snapshot(target.pid, join(work, 'live-after.json'));
    const diff = diffSnapshots(parseSnapshot(readFileSync(beforeFile, 'utf8')), parseSnapshot(readFileSync(afterFile, 'utf8')));
    assert.ok(diff.changedPages >= (8 << 20) / target.info.pageSize);
    const counts = ui.page.locator('[data-testid="changes-counts"]');
    const expected = `${formatCount(diff.changedPages)} pages changed (`;
    let shown = '';
    await waitFor(`live counts "${expected}" (shown: "${shown}")`, async () => (shown = await ui.page.locator('[data-testid="changes"]').innerText()).includes(expected), 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; the page shows "${shown}"; diff ${JSON.stringify(diff.transitions)}`);
    });
    // The region table's changed column adds up to the same, and the marks stay after later polls.
    const changedColumn = async (): Promise<number> => {
      const cells = await ui.page.locator('tr[data-vma-start] td.num:last-child').allInnerTexts();
      return cells.reduce((sum, text) => sum + Number(text.replace(/,/g, '') || 0), 0);
    };
    assert.equal(await changedColumn(), diff.changedPages);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok((await counts.innerText()).startsWith(expected), 'the counts stay after later polls');
    assert.equal(await changedColumn(), diff.changedPages);
    assert.equal(await ui.page.locator('[data-testid="changes-cut"]').count(), 0);
    const node0 = diff.totals.find((t) => t.status === 0);
    assert.ok(node0 !== undefined);
    assert.match(await ui.page.locator('[data-testid="changes-deltas"]').innerText(), new RegExp(`^node 0: ${formatCount(node0.before)} → ${formatCount(node0.after)} \\(\\+${formatCount(node0.delta)}\\)`));
    // A new region: its pages are counted as newly mapped (a page mapped and then touched
    // between two polls also counts as changed, so only the mapped count is exact here).
    const grown = await target.grow('2M');
    await waitFor('the grown region counted', async () => (await counts.innerText()).includes(` · ${formatCount(Number(grown.end - grown.start) / target.info.pageSize)} newly mapped`));
    await ui.page.screenshot({ path: join(SCREENSHOTS, 'live-changes-until-cleared.png'), fullPage: true });
    // One poll: the growth is over, so the last poll changed nothing.
    await ui.page.selectOption('[data-testid="change-span"]', 'poll');
    await waitFor('a quiet last poll', async () => (await counts.innerText()).startsWith('0 pages changed'));
  });

  it('compares from the older snapshot to the newer one, whichever was opened first, and can swap', async () => {
    const older = await snapshot(target.pid, join(work, 'older.json'));
    await target.grow('4M');
    await target.fill(0, 9);
    const newer = await snapshot(target.pid, join(work, 'newer.json'));
    const expected = diffSnapshots(parseSnapshot(readFileSync(older, 'utf8')), parseSnapshot(readFileSync(newer, 'utf8')));
    await ui.page.setInputFiles('[data-testid="open-snapshot"]', older);
    await ui.page.waitForSelector(PANEL);
    await ui.page.setInputFiles('[data-testid="compare-snapshot"]', newer);
    const compare = ui.page.locator('[data-testid="compare"]');
    await compare.waitFor();
    const olderTaken = new Date(parseSnapshot(readFileSync(older, 'utf8')).takenAt).toLocaleString('en-US');
    assert.match(await ui.page.locator('[data-testid="compare-before"]').innerText(), /^before older\.json taken /);
    assert.match(await ui.page.locator('[data-testid="compare-after"]').innerText(), /^after newer\.json taken /);
    assert.ok(olderTaken.length > 0);
    const node0 = expected.totals.find((t) => t.status === 0);
    assert.ok(node0 !== undefined && node0.delta > 0);
    assert.equal(await compare.locator('tr[data-status="0"]').innerText(), `node 0\t${formatCount(node0.before)}\t${formatCount(node0.after)}\t+${formatCount(node0.delta)}`);
    const summary = await ui.page.locator('[data-testid="compare-summary"]').innerText();
    assert.match(summary, new RegExp(`${formatCount(expected.newPages)} pages newly mapped after`));
    assert.doesNotMatch(summary, /no longer mapped/);
    assert.equal(await compare.locator('.warning').count(), 0);
    await ui.page.screenshot({ path: join(SCREENSHOTS, 'compare-before-after.png'), fullPage: true });
    await ui.page.click('[data-testid="compare-swap"]');
    assert.match(await ui.page.locator('[data-testid="compare-before"]').innerText(), /^before newer\.json/);
    assert.match(await compare.locator('.warning').innerText(), /Read backwards/);
    assert.match(await compare.locator('tr[data-status="0"]').innerText(), /\t−[\d,]+$/);
    assert.deepEqual(ui.pageErrors, []);
  });
});
