/**
 * The window's whole-node move inside the multi-node guest: the service (as serve and the
 * window run it) plans and moves everything of a watched process on node 0 to node 1 with
 * migrate_pages, numa_maps shows it, and undo puts every page back on node 0 page by page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeMovePlan, WireMoveResult } from '../../app/common/ipc.js';
import { NumascopeService, type ServiceEvent } from '../../app/main/service/index.js';
import { guestName, histogram, multiNode, numaMapsOf, pagesOf, placement, startTarget } from './support.js';

function nextEvent(service: NumascopeService, channel: ServiceEvent['channel'], timeoutMs = 60_000): Promise<ServiceEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${channel} within ${timeoutMs} ms`)), timeoutMs);
    const off = service.subscribe((event) => {
      if (event.channel !== channel) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

test(`[${guestName}] the service moves all of node 0 to node 1 with migrate_pages, and undo puts the pages back`, multiNode, async () => {
  const target = await startTarget(['--anon', '32M', '--nohuge']);
  const service = new NumascopeService();
  try {
    const region = target.region(0);
    const n = pagesOf(region);
    const sum = await target.checksum(0);
    const firstScan = nextEvent(service, 'placement:update');
    const watched = await service.handle('process:watch', { pid: target.pid, intervalMs: 500 });
    assert.ok(watched.ok, JSON.stringify(watched));
    await firstScan;
    const request = { pid: target.pid, startTime: watched.value.startTime, fromNode: 0, toNode: 1 };
    const plan = await service.handle('move:node-plan', request);
    assert.ok(plan.ok, JSON.stringify(plan));
    const planned: NodeMovePlan = plan.value;
    assert.ok(planned.pagesOnSource >= n, `pages on node 0: ${planned.pagesOnSource}`);
    assert.deepEqual([planned.allowed, planned.reason, planned.targets.includes(1), planned.targets.includes(0)], [true, null, true, false]);

    const moved = nextEvent(service, 'move:done');
    const started = await service.handle('move:node-start', request);
    assert.ok(started.ok, JSON.stringify(started));
    const result = (await moved).payload as WireMoveResult;
    // A page or two of the whole process may stay (the guest's runs left one: pinned or busy), never the region's.
    assert.deepEqual([result.outcome, result.toNode, result.undoable], ['complete', 1, true], result.message);
    assert.ok(result.counts.moved >= n, `moved ${result.counts.moved} of at least ${n}`);
    assert.deepEqual(await numaMapsOf(target.pid, region), { 1: n });
    assert.deepEqual(histogram(await placement(target.pid, region)), { 1: n });

    const undone = nextEvent(service, 'move:done');
    const undo = await service.handle('move:undo', { moveId: started.value.moveId });
    assert.ok(undo.ok, JSON.stringify(undo));
    const back = (await undone).payload as WireMoveResult;
    assert.deepEqual([back.outcome, back.toNode], ['complete', null], back.message);
    assert.ok(back.counts.moved >= n && back.counts.moved <= result.counts.moved, back.message);
    assert.deepEqual(await numaMapsOf(target.pid, region), { 0: n });
    assert.equal(await target.checksum(0), sum, 'the data survived both moves');
  } finally {
    await service.close();
    await target.stop();
  }
});
