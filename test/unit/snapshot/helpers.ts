/** Small builders for placements, topologies and heat measurements, and a seeded random source. */
import type { HeatMeasurement, HeatRange } from '../../../app/common/heat.js';
import { BLOCK_PAGES, StatusStore } from '../../../app/common/status-store.js';
import type { Placement, RegionPlacement, Topology, Vma, VmaKind } from '../../../app/common/types.js';
import { SnapshotError } from '../../../app/common/snapshot/error.js';
export { random } from '../../helpers/random.js';

export const PAGE = 4096;

export function vma(start: bigint, pages: number, path = '', kind: VmaKind = 'anon', name = path === '' ? 'anonymous' : path): Vma {
  return {
    start,
    end: start + BigInt(pages * PAGE),
    perms: kind === 'file' ? 'r-xp' : 'rw-p',
    offset: kind === 'file' ? 0x2000n : 0n,
    dev: kind === 'file' ? 'fd:01' : '00:00',
    inode: kind === 'file' ? 1234567 : 0,
    path,
    name,
    kind,
  };
}

export function region(start: bigint, statuses: number[] | Int16Array, path = '', kind: VmaKind = 'anon'): RegionPlacement {
  const status = StatusStore.of(statuses, Number((start / BigInt(PAGE)) % BigInt(BLOCK_PAGES)));
  return { vma: vma(start, status.length, path, kind), status };
}

export function placement(regions: RegionPlacement[], overrides: Partial<Placement> = {}): Placement {
  return {
    identity: { pid: 4242, comm: 'postgres', cmdline: ['postgres', '-D', '/var/lib/pg data', '--name=\u00e9t\u00e9 \u{1f600}'], startTime: 987654 },
    pageSize: PAGE,
    takenAt: Date.UTC(2025, 0, 31, 12, 30, 15, 123),
    regions,
    ...overrides,
  };
}

export function topology(): Topology {
  return {
    nodes: [
      { id: 0, cpus: [0, 1, 2, 3], memTotal: 64 * 2 ** 30, memFree: 12 * 2 ** 30, distances: [10, 21, 14], cpuless: false, memoryTier: 4 },
      { id: 1, cpus: [4, 5, 6, 7], memTotal: 64 * 2 ** 30, memFree: 30 * 2 ** 30, distances: [21, 10, 24], cpuless: false, memoryTier: 4 },
      { id: 2, cpus: [], memTotal: 256 * 2 ** 30, memFree: 250 * 2 ** 30, distances: [14, 24, 10], cpuless: true, memoryTier: 22 },
    ],
    withMemory: [0, 1, 2],
    memoryTiers: [
      { id: 4, nodes: [0, 1] },
      { id: 22, nodes: [2] },
    ],
    pageSize: PAGE,
    kernel: '6.18.0-numascope',
  };
}

/** A heap with a mix of nodes and errnos, an untouched anonymous region, and a library. */
export function samplePlacement(): Placement {
  return placement([
    region(0x555500000000n, [0, 0, 0, 1, 1, -2, -2, 0, 2, 2, -13, -16]),
    region(0x7f0000000000n, [-14, -14, -14, -14]),
    region(0x7f0000004000n, [1], '/usr/lib/x86_64-linux-gnu/libc.so.6', 'file'),
    region(0x7ffc00000000n, [0, 1, 0, 1, 0, 1], '[stack]', 'stack'),
  ]);
}

/** A soft-dirty measurement of five one-second intervals over `ranges` (samplePlacement's first region is at 0x555500000000). */
export function softDirtyMeasurement(ranges: HeatRange[]): HeatMeasurement {
  return {
    source: 'soft-dirty',
    label: 'writes only (soft-dirty)',
    resolution: '4 KiB pages (PAGEMAP_SCAN)',
    samples: 5,
    intervalMs: 1000,
    startedAt: Date.UTC(2025, 0, 31, 12, 30, 10),
    endedAt: Date.UTC(2025, 0, 31, 12, 30, 15),
    ranges,
  };
}


/** The SnapshotError message `fn` throws; fails the test on any other outcome. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw new Error(`expected a SnapshotError, got ${String(error)}`, { cause: error });
    if (/[\r\n]/.test(error.message)) throw new Error(`message is not one line: ${JSON.stringify(error.message)}`, { cause: error });
    return error.message;
  }
  throw new Error('expected a SnapshotError, nothing was thrown');
}

export async function asyncErrorOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw new Error(`expected a SnapshotError, got ${String(error)}`, { cause: error });
    if (/[\r\n]/.test(error.message)) throw new Error(`message is not one line: ${JSON.stringify(error.message)}`, { cause: error });
    return error.message;
  }
  throw new Error('expected a SnapshotError, nothing was thrown');
}
