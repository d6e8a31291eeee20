/**
 * The stand-in server's heat: a made-up measurement of its fake placement (writes in part of
 * the buffer pool, the heap and the CXL-resident cache; the busy threads on node 0), put
 * together by the same code as a real run (advice/report.ts), so the advice shown is what
 * numascope would advise for these facts.
 */
import { HEAT_LABELS, type HeatMeasurement, type WireHeatReport } from '../../app/common/heat.js';
import type { HeatRequest } from '../../app/common/ipc.js';
import type { Placement, Topology } from '../../app/common/types.js';
import { assembleReport } from '../../app/main/advice/report.js';
import { wireReport } from '../../app/main/service/heat.js';
import { BLOCK_PAGES, StatusStore } from '../../app/common/status-store.js';
import { fakePlacement, fakeTopology, type FakeServerOptions } from './fake-server.js';

const PAGE = 4096n;

/** The ranges written, as [first page address, pages, heat]. */
export const FAKE_HOT: readonly [bigint, number, number][] = [
  [0x555556000000n, 4000, 0.5],
  [0x7f1000000000n + 64_000n * PAGE, 16_384, 0.9],
  [0x7f3000000000n, 20_000, 0.7],
];

export function fakeHeatReport(placement: Placement, topology: Topology, request: HeatRequest): WireHeatReport {
  const endedAt = placement.takenAt;
  const heat: HeatMeasurement = {
    source: 'soft-dirty',
    label: HEAT_LABELS['soft-dirty'],
    resolution: '4 KiB pages (PAGEMAP_SCAN)',
    samples: Math.round((request.seconds * 1000) / request.intervalMs),
    intervalMs: request.intervalMs,
    startedAt: endedAt - request.seconds * 1000,
    endedAt,
    ranges: FAKE_HOT.map(([start, pages, value]) => ({ start, end: start + BigInt(pages) * PAGE, heat: value, age: null })),
  };
  const threads = [
    { tid: placement.identity.pid, comm: placement.identity.comm, cpuSeconds: 3, share: 0.75, lastCpu: 2, node: 0, numaFaults: null },
    { tid: placement.identity.pid + 1, comm: 'worker', cpuSeconds: 1, share: 0.25, lastCpu: 3, node: 0, numaFaults: null },
  ];
  return wireReport(assembleReport({ placement, heat, threads, topology, memsAllowed: topology.nodes.map((node) => node.id) }));
}

/** The stand-in server as a one-node machine: node 0 only, every present page on it. */
export function oneNodeOptions(): FakeServerOptions {
  return {
    topology: ((topology: Topology): Topology => ({ ...topology, nodes: topology.nodes.slice(0, 1).map((node) => ({ ...node, distances: [10] })), withMemory: [0], memoryTiers: [] }))(fakeTopology()),
    memsAllowed: [0],
    placement: (identity) => {
      const placement = fakePlacement(identity);
      const regions = placement.regions.map((region) => {
        const statuses = new Int16Array(region.status.length);
        region.status.visitRuns(0, region.status.length, (start, end, status) => void statuses.fill(status > 0 ? 0 : status, start, end));
        return { ...region, status: StatusStore.of(statuses, Number((region.vma.start / PAGE) % BigInt(BLOCK_PAGES))) };
      });
      return { ...placement, regions };
    },
  };
}
