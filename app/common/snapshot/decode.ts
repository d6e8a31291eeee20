/**
 * Snapshot file -> domain model: bigint addresses and a status store per region (one value per
 * block of pages that agree). Its own module so that both the codec and the diff can use it
 * without importing each other.
 */
import { BLOCK_PAGES, MAX_HELD_PAGES, StatusStore, type HeldBudget } from '../status-store.js';
import type { Placement, RegionPlacement, Topology } from '../types.js';
import { SnapshotError } from './error.js';
import type { SnapshotRuns } from './runs.js';
import type { SnapshotFile, SnapshotRun } from './schema.js';
import { parseHex } from './validate.js';

/**
 * Expands runs into a store of `pages` statuses (`phase`: the region's first page modulo
 * BLOCK_PAGES); throws when they do not cover exactly that many.
 */
export function decodeRuns(runs: SnapshotRuns | readonly SnapshotRun[], pages: number, where = 'runs', phase = 0, budget: HeldBudget | null = null): StatusStore {
  const status = new StatusStore(pages, { phase, budget });
  let at = 0;
  for (const [count, value] of runs) {
    if (!Number.isSafeInteger(count) || count <= 0 || count > pages - at) {
      throw new SnapshotError(`${where}: run lengths do not add up to the region's ${pages} pages`);
    }
    status.fill(value, at, at + count);
    at += count;
  }
  if (at !== pages) throw new SnapshotError(`${where}: run lengths add up to ${at} pages but the region has ${pages}`);
  return status;
}

/**
 * The domain model back from a file, for showing and comparing snapshots offline. Like the
 * sampler, it holds at most `maxHeldPages` pages one by one (default MAX_HELD_PAGES, the
 * sampler's own limit, so a scan's file always decodes); the span the file covers costs
 * one status per block of pages that agree.
 */
export function decodePlacement(file: SnapshotFile, options: { maxHeldPages?: number } = {}): { placement: Placement; topology: Topology } {
  const maxHeldPages = options.maxHeldPages ?? MAX_HELD_PAGES;
  const maxBlocks = Math.floor(maxHeldPages / BLOCK_PAGES);
  const bigPageSize = BigInt(file.pageSize);
  let held = 0;
  let where = '';
  const budget: HeldBudget = {
    change(blocks) {
      held += blocks;
      if (held > maxBlocks) {
        throw new SnapshotError(
          `${where}: the snapshot's statuses differ in more than ${maxBlocks} blocks of ${BLOCK_PAGES} pages, more than the ${maxHeldPages} pages held one by one that can be decoded here (numascope open summarises it)`,
        );
      }
    },
  };
  const regions = file.vmas.map((v, i): RegionPlacement => {
    const start = parseHex(v.start, `vmas[${i}].start`);
    const end = parseHex(v.end, `vmas[${i}].end`);
    const pages = end > start ? Number((end - start) / bigPageSize) : 0;
    where = `vmas[${i}]`;
    const phase = Number((start / bigPageSize) % BigInt(BLOCK_PAGES));
    return {
      vma: {
        start,
        end,
        perms: v.perms,
        offset: parseHex(v.offset, `vmas[${i}].offset`),
        dev: v.dev,
        inode: v.inode,
        path: v.path,
        name: v.name,
        kind: v.kind,
      },
      status: decodeRuns(v.runs, pages, `vmas[${i}].runs`, phase, budget),
    };
  });
  const placement: Placement = {
    identity: { pid: file.process.pid, comm: file.process.comm, cmdline: [...file.process.cmdline], startTime: file.process.startTime },
    pageSize: file.pageSize,
    takenAt: Date.parse(file.takenAt),
    regions,
  };
  const topology: Topology = {
    nodes: file.nodes.map((n) => ({ ...n, cpus: [...n.cpus], distances: [...n.distances] })),
    withMemory: [...file.withMemory],
    memoryTiers: file.memoryTiers.map((t) => ({ id: t.id, nodes: [...t.nodes] })),
    pageSize: file.pageSize,
    kernel: file.kernel,
  };
  return { placement, topology };
}
