/**
 * Placement <-> snapshot file <-> text. Pure TypeScript (runs in the renderer too).
 *
 * The file stores per-page status as runs, so its size follows the number of status
 * changes, not the size of the process: a 16 GiB heap on one node is one run.
 */
import { hex } from '../address.js';
import { formatExactBytes } from '../format.js';
import type { StatusStore } from '../status-store.js';
import type { Placement, RegionPlacement, Topology } from '../types.js';
import { SnapshotError } from './error.js';
import { checkSize, parseJson, utf8Length } from './json.js';
import { parseSnapshotJson } from './parse.js';
import type { SnapshotRuns } from './runs.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_RUNS,
  type HeatSection,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type ParseOptions,
  type SnapshotFile,
  type SnapshotRun,
  type SnapshotTool,
  type SnapshotVma,
} from './schema.js';
import { sortCounts } from './counts.js';
import { snapshotHeader } from './header.js';
import { validateSnapshot } from './validate.js';

export { SnapshotError } from './error.js';
export { decodePlacement, decodeRuns } from './decode.js';
export { snapshotHeader } from './header.js';
export { diffPlacements, diffSnapshots } from './diff.js';
export type { PlacementDiff, RegionDiff, ChangedRange, MappedRange, StatusTransition } from './diff.js';

export interface EncodeInput {
  placement: Placement;
  topology: Topology;
  tool?: SnapshotTool | null;
  /** Refuse placements that need more runs than this (default: what `parseSnapshot` reads). */
  maxRuns?: number;
}

/**
 * Run-length encodes one region's statuses: one small array per run, and no work for blocks
 * of pages that agree. Null once there would be more than `maxRuns` runs.
 */
export function encodeRuns(status: StatusStore, maxRuns = Number.MAX_SAFE_INTEGER): SnapshotRun[] | null {
  const runs: SnapshotRun[] = [];
  const whole = status.visitRuns(0, status.length, (start, end, value) => runs.push([end - start, value]) <= maxRuns);
  return whole ? runs : null;
}

export function encodeSnapshot(input: EncodeInput): SnapshotFile {
  const { placement, topology } = input;
  const { pageSize } = placement;
  if (topology.pageSize !== pageSize) {
    throw new SnapshotError(`cannot encode snapshot: the placement uses ${pageSize}-byte pages but the topology says ${topology.pageSize}`);
  }
  if (!Number.isFinite(placement.takenAt)) throw new SnapshotError(`cannot encode snapshot: takenAt ${placement.takenAt} is not a time`);
  const bigPageSize = BigInt(pageSize);
  // Indexed by status + 32768: every Int16 value has a slot, so counting never needs a branch.
  const counts = new Float64Array(65536);
  const maxRuns = input.maxRuns ?? DEFAULT_MAX_RUNS;
  let totalRuns = 0;
  const vmas = placement.regions.map(({ vma, status }: RegionPlacement, i): SnapshotVma => {
    const pages = (vma.end - vma.start) / bigPageSize;
    if (BigInt(status.length) !== pages) {
      throw new SnapshotError(
        `cannot encode snapshot: region ${i} (${hex(vma.start)}-${hex(vma.end)}) has ${status.length} statuses for ${pages} pages`,
      );
    }
    // Stops at the reader's limit, before a fragmented placement's runs take all memory.
    const runs = encodeRuns(status, maxRuns - totalRuns);
    if (runs === null) {
      throw new SnapshotError(`cannot encode snapshot: vmas[${i}].runs: the snapshot holds more than ${maxRuns} runs in all, the most numascope reads (see "Limits" in docs/snapshot-format.md)`);
    }
    totalRuns += runs.length;
    for (const [count, value] of runs) counts[value + 32768] = (counts[value + 32768] as number) + count;
    return {
      start: hex(vma.start),
      end: hex(vma.end),
      perms: vma.perms,
      offset: hex(vma.offset),
      dev: vma.dev,
      inode: vma.inode,
      path: vma.path,
      name: vma.name,
      kind: vma.kind,
      runs,
    };
  });
  const byNode: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const node of topology.nodes) byNode[String(node.id)] = 0;
  for (let index = 0; index < counts.length; index++) {
    const pages = counts[index] as number;
    if (pages === 0) continue;
    const status = index - 32768;
    if (status >= 0) byNode[String(status)] = pages;
    else byStatus[String(status)] = pages;
  }

  const file: SnapshotFile = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    tool: input.tool ?? null,
    ...snapshotHeader(placement, topology),
    vmas,
    totals: { byNode: sortCounts(byNode), byStatus: sortCounts(byStatus) },
  };
  // Whatever we write must read back: refuse now (at snapshot time, with the reason) rather
  // than produce a file that `open` will reject later. Costs one pass over the runs.
  try {
    return validateSnapshot(file, { maxRuns });
  } catch (error) {
    if (error instanceof SnapshotError) throw new SnapshotError(`cannot encode snapshot: ${error.message}`, { cause: error });
    throw error;
  }
}

const json = JSON.stringify;

function runsText(runs: SnapshotRuns): string {
  const parts = new Array<string>(runs.length);
  let i = 0;
  for (const run of runs) parts[i++] = `[${run[0]},${run[1]}]`;
  return `[${parts.join(',')}]`;
}

function countsText(counts: Record<string, number>): string {
  const sorted = sortCounts(counts);
  return `{${Object.keys(sorted)
    .map((key) => `${json(key)}:${sorted[key]}`)
    .join(',')}}`;
}

function listText(lines: string[]): string {
  return lines.length === 0 ? '[]' : `[\n    ${lines.join(',\n    ')}\n  ]`;
}

/**
 * Stable text: fixed key order, one node and one region per line, runs without spaces.
 * Diffable with line tools, and small (the runs dominate, at about 8 bytes each).
 */
export function serializeSnapshot(file: SnapshotFile): string {
  return serializeSnapshotWithin(file, DEFAULT_MAX_BYTES);
}

/** serializeSnapshot, refusing text over `maxBytes` UTF-8 bytes: the limit `parseSnapshot` applies. */
export function serializeSnapshotWithin(file: SnapshotFile, maxBytes: number): string {
  const text = serializeUnchecked(file);
  if (text.length > maxBytes / 3 && (text.length > maxBytes || utf8Length(text, maxBytes) > maxBytes)) {
    throw new SnapshotError(`cannot write snapshot: it would be larger than ${formatExactBytes(maxBytes)}, the most numascope reads`);
  }
  return text;
}

function serializeUnchecked(file: SnapshotFile): string {
  const { process: p, tool } = file;
  const nodes = file.nodes.map(
    (n) =>
      `{"id":${n.id},"cpus":${json(n.cpus)},"memTotal":${n.memTotal},"memFree":${n.memFree},"distances":${json(n.distances)},` +
      `"cpuless":${n.cpuless},"memoryTier":${n.memoryTier === null ? 'null' : n.memoryTier}}`,
  );
  const tiers = file.memoryTiers.map((t) => `{"id":${t.id},"nodes":${json(t.nodes)}}`);
  const vmas = file.vmas.map(
    (v) =>
      `{"start":${json(v.start)},"end":${json(v.end)},"perms":${json(v.perms)},"offset":${json(v.offset)},"dev":${json(v.dev)},` +
      `"inode":${v.inode},"path":${json(v.path)},"name":${json(v.name)},"kind":${json(v.kind)},"runs":${runsText(v.runs)}}`,
  );
  return [
    '{',
    `  "format": ${json(file.format)},`,
    `  "version": ${file.version},`,
    `  "tool": ${tool === null ? 'null' : `{"name":${json(tool.name)},"version":${json(tool.version)}}`},`,
    `  "takenAt": ${json(file.takenAt)},`,
    `  "kernel": ${json(file.kernel)},`,
    `  "pageSize": ${file.pageSize},`,
    `  "process": {"pid":${p.pid},"comm":${json(p.comm)},"cmdline":${json(p.cmdline)},"startTime":${p.startTime}},`,
    `  "nodes": ${listText(nodes)},`,
    `  "withMemory": ${json(file.withMemory)},`,
    `  "memoryTiers": ${listText(tiers)},`,
    `  "vmas": ${listText(vmas)},`,
    ...(file.heat === undefined ? [] : [`  "heat": ${heatText(file.heat)},`]),
    `  "totals": {"byNode":${countsText(file.totals.byNode)},"byStatus":${countsText(file.totals.byStatus)}}`,
    '}',
    '',
  ].join('\n');
}

/** The heat section: its fields on one line, then one range per line. */
function heatText(heat: HeatSection): string {
  const { ranges, ...head } = heat;
  const lines = ranges.map((r) => `{"start":${json(r.start)},"end":${json(r.end)},"heat":${r.heat},"age":${r.age === null ? 'null' : r.age}}`);
  const fields = Object.entries(head).map(([key, value]) => `${json(key)}:${json(value)}`);
  return `{${fields.join(',')},"ranges":${listText(lines).replace(/\n/g, '\n  ')}}`;
}

/** Parses and checks untrusted text. Throws SnapshotError with a one-line reason. */
export function parseSnapshot(text: string, options: ParseOptions = {}): SnapshotFile {
  checkSize(text, options.maxBytes ?? DEFAULT_MAX_BYTES);
  // The compact reader first; on a syntax error JSON.parse's failure gives the message.
  const value = parseSnapshotJson(text) ?? parseJson(text);
  return validateSnapshot(value, { maxRuns: options.maxRuns ?? DEFAULT_MAX_RUNS, maxPages: options.maxPages ?? Number.MAX_SAFE_INTEGER });
}
