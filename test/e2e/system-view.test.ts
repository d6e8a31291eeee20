/**
 * The system view (the landing page) in Chromium against the real `numascope serve` with no
 * process named: two real targets of the same program told apart by their arguments, their
 * bytes per node, sorting, filtering, kernel threads, the cgroup tab; clicking a row opens its
 * page view with the pid and start time in the URL, a reload reopens it, Back returns to the
 * system view, switching processes moves the URL along, and a link naming a reused pid or a
 * process that cannot be shown says so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Target } from '../helpers/target.js';
import { noChromium, suiteBrowserPage } from './browser.js';
import { startServe, waitFor, type Serve } from './serve.js';

const SCREENSHOTS = mkdtempSync(join(tmpdir(), 'numascope-system-view-'));

function startTimeOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

function cmdlineOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').replace(/\0/g, ' ');
}

describe('the system view against numascope serve and real targets', { skip: noChromium, timeout: 180_000 }, () => {
  let big: Target;
  let small: Target;
  let serve: Serve;
  const ui = suiteBrowserPage({ width: 1400, height: 900 });
  const row = (pid: number): string => `.system-view tr[data-pid="${pid}"]`;
  const shownPids = async (): Promise<number[]> => (await ui.page.locator('.system-view tbody tr[data-pid]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-pid')))));

  before(async () => {
    big = await Target.start(['--anon', '12M', '--nohuge']);
    small = await Target.start(['--anon', '3M', '--nohuge', '--untouched', '1M']);
    serve = await startServe([]);
  });

  after(async () => {
    await serve?.stop();
    await Promise.all([big?.stop(), small?.stop()]);
  });

  it('lists both targets with their arguments, user and bytes per node, and the nodes above', async () => {
    const { page } = ui;
    await page.goto(serve.url);
    await page.locator(row(big.pid)).waitFor({ timeout: 30_000 });
    await page.locator(row(small.pid)).waitFor();
    // Same program, same name: the arguments tell them apart, whole on hover.
    const args = page.locator(`${row(big.pid)} td.args`);
    assert.equal(await args.textContent(), cmdlineOf(big.pid));
    assert.equal(await args.getAttribute('title'), cmdlineOf(big.pid));
    assert.match((await page.locator(`${row(small.pid)} td.args`).textContent()) ?? '', /--untouched 1M/);
    assert.match((await page.locator(row(big.pid)).textContent()) ?? '', /root/);
    const bar = (await page.locator(`${row(big.pid)} [data-node-bar]`).getAttribute('data-node-bar')) ?? '';
    const onNode0 = Number(/^0:(\d+)$/.exec(bar)?.[1]);
    assert.ok(onNode0 >= 12 << 20, bar);
    assert.match((await page.locator('[data-overview-node="0"]').textContent()) ?? '', /node 0.*free of/);
    assert.equal(await page.locator('[data-node-panel]').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'system-view.png') });
  });

  it('filters by arguments, name, user or pid, and sorts by a column either way', async () => {
    const { page } = ui;
    const filter = page.locator('input[aria-label="Filter processes by pid, name, arguments or user"]');
    await filter.fill('--untouched 1M --anon 3M');
    await waitFor('the filtered row', async () => (await shownPids()).join() === String(small.pid));
    const comm = readFileSync(`/proc/${big.pid}/comm`, 'utf8').trim();
    await filter.fill(`${comm} root`);
    await waitFor('both targets', async () => {
      const pids = await shownPids();
      return pids.includes(big.pid) && pids.includes(small.pid);
    });
    // By RSS, largest first (the default), then by pid both ways.
    const byRss = await shownPids();
    assert.ok(byRss.indexOf(big.pid) < byRss.indexOf(small.pid));
    await page.click('.system-view th[data-sort="pid"] button');
    assert.equal(await page.getAttribute('.system-view th[data-sort="pid"]', 'aria-sort'), 'ascending');
    const ascending = await shownPids();
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    await page.click('.system-view th[data-sort="pid"] button');
    const descending = await shownPids();
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
    await filter.fill('');
    // Kernel threads only when asked.
    assert.equal(await page.locator(row(2)).count(), 0);
    await page.check('.system-view label.check input');
    await page.locator(row(2)).waitFor();
    await page.uncheck('.system-view label.check input');
    await page.click('[data-testid="cgroups-tab"]');
    await page.locator('.cgroup-table tr[data-cgroup="/"]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'system-view-cgroups.png') });
    await page.click('.system-view [role="tab"]:first-child');
  });

  it('a click opens the page view and the URL names the pid and start time; reload reopens it; Back returns', async () => {
    const { page } = ui;
    await page.click(`${row(big.pid)} td.args`);
    await page.locator('[data-node-panel="0"]').waitFor({ timeout: 30_000 });
    await waitFor('the URL', async () => page.url().includes(`pid=${big.pid}&start=${startTimeOf(big.pid)}`));
    assert.ok(page.url().includes(`token=${serve.token}`));
    assert.equal(await page.locator('[data-testid="system-view"]').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'page-view.png') });

    await page.reload();
    await page.locator('[data-node-panel="0"]').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('[data-testid="source"]').textContent()) ?? '', new RegExp(`pid ${big.pid} .*start time ${startTimeOf(big.pid)}`));

    await page.goBack();
    await page.locator('[data-testid="system-view"]').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('pid'), null);
    assert.equal(await page.locator('[data-node-panel]').count(), 0);
    await page.goForward();
    await page.locator('[data-node-panel="0"]').waitFor({ timeout: 30_000 });
    assert.ok(page.url().includes(`pid=${big.pid}`));
  });

  it('switching processes moves the URL along; the system view button goes back to the machine', async () => {
    const { page } = ui;
    await page.click('button:has-text("Choose process…")');
    await page.click(`.picker-dialog tr[data-pid="${small.pid}"]`);
    await waitFor('the new URL', async () => page.url().includes(`pid=${small.pid}&start=${startTimeOf(small.pid)}`));
    await waitFor('the new process shown', async () => ((await page.locator('[data-testid="source"]').textContent()) ?? '').includes(`pid ${small.pid}`));
    await page.goBack();
    await waitFor('the previous process again', async () => ((await page.locator('[data-testid="source"]').textContent()) ?? '').includes(`pid ${big.pid} `));
    await page.click('[data-testid="system-view-button"]');
    await page.locator(row(big.pid)).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('pid'), null);
  });

  it('a link whose pid now names another process says so', async () => {
    const { page } = ui;
    await page.goto(`${serve.url}&pid=${big.pid}&start=1`);
    await page.locator('[data-testid="notice"]').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('[data-testid="notice"]').textContent()) ?? '', new RegExp(`pid ${big.pid} now names another process .*the link was to the one started at tick 1`));
    await waitFor('the URL corrected', async () => page.url().includes(`start=${startTimeOf(big.pid)}`));
  });

  it('a link to a process that cannot be shown says why, shows the system view and drops the pid from the address', async () => {
    const { page } = ui;
    await page.goto(`${serve.url}&pid=2`);
    await page.locator('[data-testid="notice"]').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('[data-testid="notice"]').textContent()) ?? '', /kernel thread/);
    await page.locator('[data-testid="system-view"]').waitFor();
    await waitFor('the pid left out of the URL', async () => new URL(page.url()).searchParams.get('pid') === null);
    assert.ok(page.url().includes(`token=${serve.token}`));
    assert.deepEqual(ui.pageErrors, []);
  });
});
