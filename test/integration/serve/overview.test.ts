/** 'system:overview' through the service: one reading answers every asker while it is fresh, then a new one is taken. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NumascopeService, defaultDeps } from '../../../app/main/service/index.js';
import type { SystemOverview } from '../../../app/common/system-overview.js';

test('askers within the overview max age share one reading; a later ask reads again', async () => {
  const real = defaultDeps();
  let readings = 0;
  const service = new NumascopeService(
    {
      ...real,
      readSystemOverview: async (topology) => {
        readings++;
        return real.readSystemOverview(topology);
      },
    },
    { overviewMaxAgeMs: 300 },
  );
  try {
    const [a, b] = await Promise.all([service.handle('system:overview', null), service.handle('system:overview', null)]);
    assert.ok(a.ok && b.ok);
    assert.equal(readings, 1);
    const value: SystemOverview = a.value;
    assert.ok(value.processes.some((p) => p.pid === process.pid && p.nodeBytes !== null));
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.ok((await service.handle('system:overview', null)).ok);
    assert.equal(readings, 2);
  } finally {
    await service.close();
  }
});
