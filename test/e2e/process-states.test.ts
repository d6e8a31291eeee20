/**
 * The page's process states against the real `numascope serve`: a live target named with its
 * start time (the number `numascope move --expect-start` takes) and named in the move dialog;
 * the same target killed while watched (the page says when it exited, drops the live badge and
 * keeps the last picture, which still exports); and a kernel thread, which has nothing to show.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshot } from '../../app/common/snapshot/codec.js';
import type { ProcessIdentity } from '../../app/common/types.js';
import { readIdentity } from '../../app/main/proc/identity.js';
import { screenshotDir } from '../helpers/screenshots.js';
import { Target } from '../helpers/target.js';
import { canvasInk, noChromium, suiteBrowserPage } from './browser.js';
import { startServe, waitFor, type Serve } from './serve.js';

const SCREENSHOTS = screenshotDir();
const PANEL = '[data-node-panel="0"]';

describe('process states in the page, against numascope serve', { skip: noChromium, timeout: 180_000 }, () => {
  const ui = suiteBrowserPage({ width: 1400, height: 900 });
  let target: Target;
  let identity: ProcessIdentity;
  let serve: Serve;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'numascope-e2e-states-'));
    target = await Target.start(['--anon', '16M', '--nohuge']);
    identity = await readIdentity(target.pid);
    serve = await startServe(['--pid', String(target.pid), '--interval', '250']);
  });

  after(async () => {
    await serve?.stop();
    await target?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shows the live process with its start time, and the move dialog names it', async () => {
    await ui.page.goto(serve.url);
    await ui.page.waitForSelector(PANEL, { timeout: 30_000 });
    await waitFor('node 0 canvas pixels', async () => (await canvasInk(ui.page, PANEL)).inked > 0);
    assert.equal(await ui.page.locator('.badge.live').count(), 1);
    assert.equal(await ui.page.locator('[data-testid="start-time"]').innerText(), `start time ${identity.startTime}`);
    const region = target.region(0);
    await ui.page.click(`tr[data-vma-start="0x${region.start.toString(16)}"]`);
    await ui.page.click('[data-testid="move-to-node"]');
    assert.equal(await ui.page.locator('[data-testid="move-process"]').innerText(), `pid ${target.pid} (${identity.comm})`);
    // On this one-node host the dialog offers no target (so no command line to copy either) and closes.
    await ui.page.locator('[data-testid="move-no-target"]').waitFor();
    await ui.page.locator('.move-dialog button', { hasText: 'Close' }).click();
  });

  it('says when the killed target exited, drops the live badge, keeps the picture, and still exports it', async () => {
    target.kill();
    const notice = ui.page.locator('[data-testid="exited-notice"]');
    await notice.waitFor({ timeout: 20_000 });
    assert.match(await notice.innerText(), new RegExp(`^process ${target.pid} exited at \\d{1,2}:\\d{2}:\\d{2}( [AP]M)?; showing its last picture$`));
    assert.equal(await ui.page.locator('.badge.live').count(), 0);
    assert.equal(await ui.page.locator('[data-testid="exited-badge"]').innerText(), 'exited');
    assert.equal(await ui.page.locator('text=ioctl').count(), 0, 'no raw errno message');
    assert.ok((await canvasInk(ui.page, PANEL)).inked > 0, 'the last picture is still drawn');
    assert.ok(await ui.page.locator(`tr[data-vma-start="0x${target.region(0).start.toString(16)}"]`).count(), 'the region table stays');
    await ui.page.screenshot({ path: join(SCREENSHOTS, 'process-exited.png'), fullPage: true });
    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.page.click('[data-testid="export-snapshot"]')]);
    const file = join(work, download.suggestedFilename());
    await download.saveAs(file);
    const snapshot = parseSnapshot(readFileSync(file, 'utf8'));
    assert.deepEqual([snapshot.process.pid, snapshot.process.startTime], [target.pid, identity.startTime]);
    assert.ok(snapshot.vmas.some((v) => BigInt(v.start) === target.region(0).start), 'the exported picture lacks the target region');
    assert.equal(await ui.page.locator('[data-testid="notice"]').count(), 0, 'no error notice');
  });

  it('says that a kernel thread has no user memory instead of showing it live', async () => {
    await ui.page.goto(`${serve.origin}/?token=${serve.token}&pid=2`);
    const notice = ui.page.locator('[data-testid="notice"]');
    await notice.waitFor({ timeout: 20_000 });
    assert.equal(await notice.locator('span').innerText(), 'pid 2 is a kernel thread: it has no user memory');
    assert.equal(await ui.page.locator('.badge.live').count(), 0);
    assert.equal(await ui.page.locator('[data-node-panel]').count(), 0);
    await ui.page.screenshot({ path: join(SCREENSHOTS, 'kernel-thread.png') });
    assert.deepEqual(ui.pageErrors, []);
  });
});
