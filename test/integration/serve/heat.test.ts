/**
 * 'heat:measure' and 'heat:cancel' on the service: the real measurement of a real process on
 * this machine (whose kernel may lack soft-dirty: then the answer is the CLI's one line, as an
 * error value the page shows), and, with a measurement stood in for, progress, cancel, one
 * measurement at a time, and the watched-process rule. Every event is checked against its schema.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { kernelTracksSoftDirty } from '../../../native/sync.js';
import { EVENT_SCHEMAS } from '../../../app/common/ipc-events.js';
import type { HeatRequest } from '../../../app/common/ipc.js';
import type { MeasureOptions } from '../../../app/main/advice/measure.js';
import type { AdviceReport } from '../../../app/main/advice/report.js';
import { NumascopeService, type ServiceEvent } from '../../../app/main/service/index.js';
import type { Topology } from '../../../app/common/types.js';
import { HeatTarget } from '../../helpers/heat-target.js';

let target: HeatTarget;
before(async () => {
  target = await HeatTarget.start({ hotMiB: 8, coldMiB: 8 });
});
after(async () => {
  await target?.stop();
});

async function watched(options: ConstructorParameters<typeof NumascopeService>[1] = {}): Promise<{ service: NumascopeService; events: ServiceEvent[]; request: HeatRequest }> {
  const service = new NumascopeService(undefined, { progressIntervalMs: 0, ...options });
  const events: ServiceEvent[] = [];
  service.subscribe((event) => events.push(event));
  const watch = await service.handle('process:watch', { pid: target.pid, intervalMs: 1000 });
  assert.ok(watch.ok, JSON.stringify(watch));
  return { service, events, request: { pid: target.pid, startTime: watch.value.startTime, seconds: 1, intervalMs: 200, source: 'auto' } };
}

function schemaChecked(events: ServiceEvent[]): void {
  for (const { channel, payload } of events) {
    const checked = v.safeParse(EVENT_SCHEMAS[channel], JSON.parse(JSON.stringify(payload)));
    assert.ok(checked.success, `${channel}: ${checked.issues?.[0]?.message ?? ''}`);
  }
}

test('this kernel: heat:measure answers with the hottest range in the written buffer, or with the one line saying why no heat can be measured', async () => {
  const { service, events, request } = await watched();
  try {
    const result = await service.handle('heat:measure', { ...request, source: 'soft-dirty' });
    if (!kernelTracksSoftDirty()) {
      assert.deepEqual(result, {
        ok: false,
        error: { code: 'NO_HEAT_SOURCE', message: `no heat source for process ${target.pid}: soft-dirty: this kernel does not track soft-dirty bits (built without CONFIG_MEM_SOFT_DIRTY)` },
      });
      const auto = await service.handle('heat:measure', request);
      assert.deepEqual(auto, result);
      return;
    }
    assert.ok(result.ok, JSON.stringify(result));
    const report = result.value;
    assert.equal(report.measurement.label, 'writes only (soft-dirty)');
    const top = report.hottest[0];
    assert.ok(top && BigInt(top.start) < target.hot.end && BigInt(top.end) > target.hot.start, 'the hottest range is not in the written buffer');
    assert.ok(events.some((event) => event.channel === 'heat:progress'));
  } finally {
    await service.close();
    schemaChecked(events);
  }
});

test('heat is measured only on the watched process, named by pid and start time', async () => {
  const { service, request } = await watched();
  try {
    const reused = await service.handle('heat:measure', { ...request, startTime: request.startTime + 1 });
    assert.equal(reused.ok ? null : reused.error.code, 'IDENTITY_CHANGED');
    const other = await service.handle('heat:measure', { ...request, pid: process.pid, startTime: 0 });
    assert.equal(other.ok, false);
    await service.handle('process:unwatch', null);
    const none = await service.handle('heat:measure', request);
    assert.equal(none.ok ? null : none.error.code, 'NOT_WATCHING');
  } finally {
    await service.close();
  }
});

/** A measurement that reports an interval every 20 ms until its window ends or it is stopped. */
function heldMeasure(log: MeasureOptions[]): (pid: number, topology: Topology, options: MeasureOptions) => Promise<AdviceReport> {
  return async (_pid, _topology, options) => {
    log.push(options);
    const total = Math.round((options.seconds * 1000) / options.intervalMs);
    for (let done = 1; done <= total; done++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (options.signal?.aborted) throw options.signal.reason;
      options.onProgress?.(done, total);
    }
    throw new Error('the stand-in measurement has no report');
  };
}

test('progress arrives as heat:progress; cancel ends the measurement as CANCELLED; one at a time', async () => {
  const log: MeasureOptions[] = [];
  const { service, events, request } = await watched({ measureHeat: heldMeasure(log) });
  try {
    const running = service.handle('heat:measure', { ...request, seconds: 60, intervalMs: 100, source: 'damon' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await service.handle('heat:measure', request);
    assert.equal(second.ok ? null : second.error.code, 'BUSY');
    assert.deepEqual(await service.handle('heat:cancel', null), { ok: true, value: null });
    const ended = await running;
    assert.deepEqual(ended, { ok: false, error: { code: 'CANCELLED', message: `the heat measurement of process ${target.pid} was cancelled` } });
    assert.equal(log[0]?.choice, 'damon');
    const progress = events.filter((event) => event.channel === 'heat:progress').map((event) => event.payload);
    assert.ok(progress.length >= 2, JSON.stringify(progress));
    assert.deepEqual(progress[0], { pid: target.pid, done: 1, total: 600 });
    const again = await service.handle('heat:cancel', null);
    assert.equal(again.ok ? null : again.error.code, 'NOT_MEASURING');
  } finally {
    await service.close();
    schemaChecked(events);
  }
});

test('an asker that goes away stops the measurement', async () => {
  const log: MeasureOptions[] = [];
  const { service, request } = await watched({ measureHeat: heldMeasure(log) });
  try {
    const gone = new AbortController();
    const running = service.handle('heat:measure', { ...request, seconds: 60, intervalMs: 100 }, gone.signal);
    await new Promise((resolve) => setTimeout(resolve, 60));
    gone.abort();
    const ended = await running;
    assert.equal(ended.ok ? null : ended.error.code, 'CANCELLED');
    assert.equal(log[0]?.signal?.aborted, true);
  } finally {
    await service.close();
  }
});

test('a new watch, or none, ends the running measurement: it belonged to the process watched before', async () => {
  const log: MeasureOptions[] = [];
  const { service, request } = await watched({ measureHeat: heldMeasure(log) });
  try {
    const running = service.handle('heat:measure', { ...request, seconds: 60, intervalMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await service.handle('process:unwatch', null);
    const ended = await running;
    assert.equal(ended.ok ? null : ended.error.code, 'CANCELLED');
    assert.equal(log[0]?.signal?.aborted, true);
  } finally {
    await service.close();
  }
});
