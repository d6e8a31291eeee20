/**
 * Locality and heat per poll on the service, against a real process whose busy thread is
 * pinned to one CPU: every update after the first carries the locality over its interval (on
 * this one-node host every present page is on the node the thread runs on: 100%), and while
 * a heat measurement runs each interval's share of the pages written comes with its progress.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { kernelTracksSoftDirty } from '../../../native/sync.js';
import { EVENT_SCHEMAS } from '../../../app/common/ipc-events.js';
import type { PlacementUpdate } from '../../../app/common/ipc.js';
import type { MeasureOptions } from '../../../app/main/advice/measure.js';
import type { AdviceReport } from '../../../app/main/advice/report.js';
import { NumascopeService, type ServiceEvent } from '../../../app/main/service/index.js';
import { readStatus } from '../../../app/main/proc/status.js';
import { HeatTarget } from '../../helpers/heat-target.js';
import { waitFor } from '../../e2e/serve.js';

let target: HeatTarget;
let cpu: number;
before(async () => {
  cpu = (await readStatus(process.pid)).cpusAllowed[0] ?? 0;
  target = await HeatTarget.start({ hotMiB: 4, coldMiB: 4, cpu });
});
after(async () => {
  await target?.stop();
});

function schemaChecked(events: readonly ServiceEvent[]): void {
  for (const { channel, payload } of events) {
    const checked = v.safeParse(EVENT_SCHEMAS[channel], JSON.parse(JSON.stringify(payload)));
    assert.ok(checked.success, `${channel}: ${checked.issues?.[0]?.message ?? ''}`);
  }
}

const updates = (events: readonly ServiceEvent[]): PlacementUpdate[] => events.flatMap((e) => (e.channel === 'placement:update' ? [e.payload] : []));

test('every update after the first carries the locality of its interval: 100% for the pinned busy thread here', async () => {
  const service = new NumascopeService(undefined, { progressIntervalMs: 0 });
  const events: ServiceEvent[] = [];
  service.subscribe((event) => events.push(event));
  try {
    const watch = await service.handle('process:watch', { pid: target.pid, intervalMs: 150 });
    assert.ok(watch.ok, JSON.stringify(watch));
    await waitFor('four polls', async () => updates(events).length >= 4, 30_000);
    const [first, ...rest] = updates(events);
    assert.equal(first?.locality, null, 'the first poll has no interval to weigh CPU time over');
    for (const update of rest) assert.deepEqual(update.locality, { share: 1, basis: 'cpu-time' }, `poll ${update.sequence}`);
    assert.equal(service.latestPlacement()?.locality?.share, 1, 'a late subscriber gets it too');
  } finally {
    await service.close();
    schemaChecked(events);
  }
});

test("while heat is measured, each interval's share of the present pages written comes with its progress; none without a measurement", async () => {
  const service = new NumascopeService(undefined, { progressIntervalMs: 0 });
  const events: ServiceEvent[] = [];
  service.subscribe((event) => events.push(event));
  try {
    const watch = await service.handle('process:watch', { pid: target.pid, intervalMs: 200 });
    assert.ok(watch.ok, JSON.stringify(watch));
    await waitFor('the first poll', async () => updates(events).length >= 1, 30_000);
    const result = await service.handle('heat:measure', { pid: target.pid, startTime: watch.value.startTime, seconds: 1, intervalMs: 200, source: 'soft-dirty' });
    const intervals = events.flatMap((e) => (e.channel === 'heat:progress' && e.payload.interval ? [e.payload.interval] : []));
    if (!kernelTracksSoftDirty()) {
      assert.equal(result.ok, false);
      assert.deepEqual(intervals, [], 'no heat is made up when none can be measured');
      return;
    }
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(intervals.length, 5, 'one per interval');
    const present = Object.values(updates(events).at(-1)?.placement.totals.byNode ?? {}).reduce((a, b) => a + b, 0);
    const hotPages = Number(target.hot.end - target.hot.start) / 4096;
    for (const interval of intervals) {
      assert.equal(interval.source, 'soft-dirty');
      assert.equal(interval.label, 'writes only (soft-dirty)');
      // The busy thread writes the whole hot buffer over and over; the cold one is left alone.
      assert.ok(interval.pages >= hotPages / 2 && interval.pages < hotPages + 256, `pages written in an interval: ${interval.pages} (hot buffer ${hotPages})`);
      assert.ok(interval.share !== null && Math.abs(interval.share - interval.pages / present) < 0.1, `share ${interval.share} of ${present} present pages`);
    }
    const idle = events.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(events.slice(idle).filter((e) => e.channel === 'heat:progress').length, 0, 'no heat after the measurement');
  } finally {
    await service.close();
    schemaChecked(events);
  }
});

test("an interval's used pages become a share of the latest poll's present pages; an interval the source cannot count has none", async () => {
  const at = Date.UTC(2026, 11, 7, 8, 0, 0);
  // Stands in for the measurement (soft-dirty is not on every kernel): two intervals it can count, one it cannot.
  const measureHeat = async (_pid: number, _topology: unknown, options: MeasureOptions): Promise<AdviceReport> => {
    options.onProgress?.(1, 3, { pages: 256, source: 'soft-dirty', label: 'writes only (soft-dirty)', at });
    options.onProgress?.(2, 3, { pages: 0, source: 'soft-dirty', label: 'writes only (soft-dirty)', at: at + 200 });
    options.onProgress?.(3, 3);
    throw new Error('stand-in: no report');
  };
  const service = new NumascopeService(undefined, { progressIntervalMs: 0, measureHeat });
  const events: ServiceEvent[] = [];
  service.subscribe((event) => events.push(event));
  try {
    const watch = await service.handle('process:watch', { pid: target.pid, intervalMs: 1000 });
    assert.ok(watch.ok, JSON.stringify(watch));
    await waitFor('the first poll', async () => updates(events).length >= 1, 30_000);
    const present = Object.values(updates(events)[0]?.placement.totals.byNode ?? {}).reduce((a, b) => a + b, 0);
    await service.handle('heat:measure', { pid: target.pid, startTime: watch.value.startTime, seconds: 1, intervalMs: 200, source: 'soft-dirty' });
    const progress = events.flatMap((e) => (e.channel === 'heat:progress' ? [e.payload] : []));
    assert.deepEqual(progress, [
      { pid: target.pid, done: 1, total: 3, interval: { pages: 256, share: 256 / present, source: 'soft-dirty', label: 'writes only (soft-dirty)', at: new Date(at).toISOString() } },
      { pid: target.pid, done: 2, total: 3, interval: { pages: 0, share: 0, source: 'soft-dirty', label: 'writes only (soft-dirty)', at: new Date(at + 200).toISOString() } },
      { pid: target.pid, done: 3, total: 3 },
    ]);
  } finally {
    await service.close();
    schemaChecked(events);
  }
});
