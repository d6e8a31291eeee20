/** An advice report put together from made-up facts, and its wire form (what 'heat:measure' answers). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeatMeasurement } from '../../../app/common/heat.js';
import { assembleReport } from '../../../app/main/advice/report.js';
import { wireReport } from '../../../app/main/service/heat.js';
import { placement, region, topology } from '../snapshot/helpers.js';

const heat: HeatMeasurement = {
  source: 'soft-dirty',
  label: 'writes only (soft-dirty)',
  resolution: '4 KiB pages (PAGEMAP_SCAN)',
  samples: 4,
  intervalMs: 500,
  startedAt: Date.UTC(2025, 0, 31, 12, 30, 13),
  endedAt: Date.UTC(2025, 0, 31, 12, 30, 15),
  ranges: [
    { start: 0x10000n, end: 0x14000n, heat: 0.25, age: null },
    { start: 0x20000n, end: 0x22000n, heat: 1, age: null },
  ],
};
const thread = { tid: 4242, comm: 'postgres', cpuSeconds: 2, share: 1, lastCpu: 0, node: 0, numaFaults: null };

test('the report ranks the hottest range first, advises its far pages to the busy node, and estimates locality per region', () => {
  // Region A: 4 pages on node 0 (local); region B: 2 hot pages on node 1, far from the only busy thread.
  const facts = placement([region(0x10000n, [0, 0, 0, 0]), region(0x20000n, [1, 1, -2, -2])]);
  const report = wireReport(assembleReport({ placement: facts, heat, threads: [thread], topology: topology(), memsAllowed: [0, 1, 2] }));
  assert.deepEqual(report.process, { pid: 4242, comm: 'postgres', startTime: 987654 });
  assert.equal(report.takenAt, '2025-01-31T12:30:15.123Z');
  assert.equal(report.measurement.measuredAt, '2025-01-31T12:30:15.000Z');
  assert.deepEqual(report.hottest.map((r) => [r.start, r.heat, r.nodes]), [
    ['0x20000', 1, { '1': 2 }],
    ['0x10000', 0.25, { '0': 4 }],
  ]);
  assert.equal(report.rangesTotal, 2);
  assert.deepEqual(report.recommendations.map((r) => [r.kind, r.start, r.end, r.pages, r.bytes, r.fromNode, r.toNode]), [['promote', '0x20000', '0x22000', 2, 8192, 1, 0]]);
  assert.deepEqual(report.regions.map((r) => [r.start, r.locality]), [
    ['0x10000', 1],
    ['0x20000', 0],
  ]);
  assert.equal(report.locality, 4 / 6);
  assert.equal(report.basis, 'cpu-time');
  assert.deepEqual(report.nodeWeights, { '0': 1 });
  assert.deepEqual(report.notes, ['heat is writes only (soft-dirty): pages that are only read look cold, so no demotion is suggested']);
});
