/**
 * Snapshot file -> domain model: bigint addresses and one status per page. Its own module
 * so that both the codec and the diff can use it without importing each other.
 */
import type { Placement, RegionPlacement, StatusArray, Topology } from '../types.js';
import { SnapshotError } from './error.js';
import type { SnapshotRuns } from './runs.js';
import { DEFAULT_MAX_PAGES, type SnapshotFile, type SnapshotRun } from './schema.js';
import { parseHex } from './validate.js';

/** Expands runs into `pages` statuses; throws when they do not cover exactly that many. */
export function decodeRuns(runs: SnapshotRuns | readonly SnapshotRun[], pages: number, where = 'runs'): StatusArray {
  const status = new Int16Array(pages);
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
 * The domain model back from a file, for showing and comparing snapshots offline. It holds
 * 2 bytes per page, so unlike parsing it is capped by the span (`maxPages`, default 2^28).
 */
export function decodePlacement(file: SnapshotFile, options: { maxPages?: number } = {}): { placement: Placement; topology: Topology } {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const bigPageSize = BigInt(file.pageSize);
  let totalPages = 0;
  const regions = file.vmas.map((v, i): RegionPlacement => {
    const start = parseHex(v.start, `vmas[${i}].start`);
    const end = parseHex(v.end, `vmas[${i}].end`);
    const pages = end > start ? Number((end - start) / bigPageSize) : 0;
    totalPages += pages;
    if (totalPages > maxPages) {
      throw new SnapshotError(
        `vmas[${i}]: the snapshot covers more than ${maxPages} pages in all, the most that can be expanded to one status per page here (numascope open summarises it)`,
      );
    }
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
      status: decodeRuns(v.runs, pages, `vmas[${i}].runs`),
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
