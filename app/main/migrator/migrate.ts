/**
 * Whole-process migration with migrate_pages(2): every page of the process on a source node
 * goes to the matching target node. One system call, so it reports no progress and cannot be
 * cancelled once started; numa_maps read before and after shows what moved where.
 */
import { migratePages } from '../../../native/index.js';
import type { ProcessIdentity } from '../../common/types.js';
import { readNumaMaps } from '../proc/numaMaps.js';
import { readPageSize } from '../system/pageSize.js';
import { MigratorError, errorCode } from './errors.js';
import { nodeRemap } from './plan.js';
import { checkIdentity, checkTargetNodes, describeCallFailure, whyGone } from './preflight.js';

export interface NodeTotals {
  node: number;
  /** Pages (base pages) of the process on the node, from numa_maps. */
  before: number;
  after: number;
}

export interface MigrateResult {
  identity: ProcessIdentity;
  fromNodes: number[];
  toNodes: number[];
  /** [source, target] for every source node, as the kernel pairs them. */
  mapping: [number, number][];
  /** Pages the kernel could not move (its return value). */
  notMoved: number;
  /** Per node, ascending. */
  totals: NodeTotals[];
  pageSize: number;
  durationMs: number;
}

export interface MigrateOptions {
  /** Checked before the call; migrate_pages itself cannot be interrupted. */
  signal?: AbortSignal;
}

/** Pages per node over the whole process, in base pages (hugetlb counts are scaled). */
async function nodeTotals(pid: number, pageSize: number): Promise<Map<number, number>> {
  const totals = new Map<number, number>();
  for (const entry of await readNumaMaps(pid, { pageSize })) {
    const scale = Math.max(1, entry.kernelPageSize / pageSize);
    for (const [node, pages] of entry.pagesByNode) totals.set(node, (totals.get(node) ?? 0) + pages * scale);
  }
  return totals;
}

function validNodes(pid: number, nodes: readonly number[], what: string): number[] {
  if (nodes.length === 0) throw new MigratorError('BAD_REQUEST', pid, `no ${what} nodes given`);
  for (const node of nodes) {
    if (!Number.isInteger(node) || node < 0 || node >= 1024) throw new MigratorError('BAD_REQUEST', pid, `bad ${what} node ${node}`);
  }
  return [...new Set(nodes)].sort((a, b) => a - b);
}

export async function migrateProcess(
  pid: number,
  fromNodes: readonly number[],
  toNodes: readonly number[],
  expectedIdentity?: ProcessIdentity,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const started = Date.now();
  const from = validNodes(pid, fromNodes, 'source');
  const to = validNodes(pid, toNodes, 'target');
  const identity = await checkIdentity(pid, expectedIdentity);
  await checkTargetNodes(identity, to);
  const pageSize = await readPageSize();
  const gone = (error: unknown): MigratorError =>
    new MigratorError('ESRCH', pid, `process ${pid} exited during the migration`, { cause: error });

  let before: Map<number, number>;
  try {
    before = await nodeTotals(pid, pageSize);
  } catch (error) {
    if (errorCode(error) === 'ESRCH') throw new MigratorError('ESRCH', pid, `process ${pid} exited before the migration`, { cause: error });
    throw new MigratorError(errorCode(error) ?? 'EIO', pid, error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (options.signal?.aborted) throw new MigratorError('ABORTED', pid, 'migration cancelled before it started');

  let notMoved: number;
  try {
    notMoved = await migratePages(pid, from, to);
  } catch (error) {
    const code = errorCode(error) ?? 'EIO';
    if (code === 'ESRCH' || (code === 'EINVAL' && (await whyGone(identity)) !== null)) throw gone(error);
    throw new MigratorError(code, pid, describeCallFailure('migrate_pages', code), { cause: error });
  }

  let after: Map<number, number>;
  try {
    after = await nodeTotals(pid, pageSize);
  } catch (error) {
    throw gone(error);
  }
  const nodes = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
  return {
    identity,
    fromNodes: from,
    toNodes: to,
    mapping: nodeRemap(from, to),
    notMoved,
    totals: nodes.map((node) => ({ node, before: before.get(node) ?? 0, after: after.get(node) ?? 0 })),
    pageSize,
    durationMs: Date.now() - started,
  };
}
