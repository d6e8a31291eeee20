/**
 * The page's heat path inside the guests, through the service as the window and serve mode
 * drive it: 'heat:measure' on the watched process ranks the buffer a thread on node 0 keeps
 * writing (on node 1) first and advises it for node 0; the advised move through the service's
 * normal move path puts it there (numa_maps agrees), and undo puts it back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressRange } from '../../app/common/address.js';
import type { WireHeatReport } from '../../app/common/heat.js';
import type { NumaMapsEntry } from '../../app/common/types.js';
import { readNumaMaps } from '../../app/main/proc/numaMaps.js';
import { NumascopeService, type ServiceEvent } from '../../app/main/service/index.js';
import { HeatTarget } from '../helpers/heat-target.js';
import { guestName, multiNode } from './support.js';

function overlaps(range: { start: string; end: string }, buffer: AddressRange): boolean {
  return BigInt(range.start) < buffer.end && BigInt(range.end) > buffer.start;
}

test(`[${guestName}] heat:measure advises the hot buffer for the busy thread's node; the service moves it there and undoes it`, multiNode, async () => {
  const target = await HeatTarget.start({ hotMiB: 16, coldMiB: 16, node: 1, cpu: 0 });
  const service = new NumascopeService();
  const events: ServiceEvent[] = [];
  service.subscribe((event) => events.push(event));
  // Looked for among the events so far, so a move that ends before the wait starts is not missed.
  const moveDone = async (moveId: string): Promise<ServiceEvent> => {
    for (let i = 0; i < 1200; i++) {
      const found = events.find((event) => event.channel === 'move:done' && event.payload.moveId === moveId);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`move ${moveId} never ended`);
  };
  try {
    const watch = await service.handle('process:watch', { pid: target.pid, intervalMs: 1000 });
    assert.ok(watch.ok, JSON.stringify(watch));
    const startTime = watch.value.startTime;
    const measured = await service.handle('heat:measure', { pid: target.pid, startTime, seconds: 2, intervalMs: 500, source: 'auto' });
    assert.ok(measured.ok, JSON.stringify(measured));
    const report: WireHeatReport = measured.value;
    assert.equal(report.measurement.source, 'soft-dirty');
    assert.equal(report.measurement.label, 'writes only (soft-dirty)');
    assert.ok(events.some((event) => event.channel === 'heat:progress' && event.payload.done === 4 && event.payload.total === 4), 'no final heat:progress');
    assert.ok(report.hottest[0] && overlaps(report.hottest[0], target.hot), `the hottest range is not the hot buffer: ${JSON.stringify(report.hottest.slice(0, 2))}`);
    const first = report.recommendations[0];
    assert.ok(first && first.kind === 'promote' && overlaps(first, target.hot), `the first recommendation is not the hot buffer: ${JSON.stringify(report.recommendations.slice(0, 3))}`);
    assert.deepEqual([first.fromNode, first.toNode], [1, 0]);

    // The advised move, as the page's "Move…" sends it after the usual dialog.
    const request = { pid: target.pid, startTime, ranges: [{ start: first.start, end: first.end }], toNode: first.toNode, moveAll: false };
    const plan = await service.handle('move:plan', request);
    assert.ok(plan.ok && plan.value.pagesToMove >= first.pages, JSON.stringify(plan));
    const started = await service.handle('move:start', request);
    assert.ok(started.ok, JSON.stringify(started));
    const done = await moveDone(started.value.moveId);
    assert.ok(done.channel === 'move:done' && done.payload.outcome === 'complete', JSON.stringify(done.payload));
    const holding = async (): Promise<NumaMapsEntry | undefined> => (await readNumaMaps(target.pid)).filter((entry) => entry.start <= BigInt(first.start)).at(-1);
    const moved = await holding();
    assert.ok((moved?.pagesByNode.get(0) ?? 0) >= first.pages, `numa_maps shows ${moved?.pagesByNode.get(0) ?? 0} pages on node 0, advised ${first.pages}`);

    const undo = await service.handle('move:undo', { moveId: started.value.moveId });
    assert.ok(undo.ok, JSON.stringify(undo));
    const undone = await moveDone(undo.value.moveId);
    assert.ok(undone.channel === 'move:done' && undone.payload.outcome === 'complete', JSON.stringify(undone.payload));
    assert.equal((await holding())?.pagesByNode.get(0) ?? 0, 0);
  } finally {
    await service.close();
    await target.stop();
  }
});
