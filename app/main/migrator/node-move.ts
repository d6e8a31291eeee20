/**
 * Everything of a process on one node to another, with migrate_pages(2), reported like a
 * range move so that the same progress, result and undo serve both.
 *
 * migrate_pages answers with a count only, so where each page was is recorded first: the
 * present pages of every mapping (present.ts) are asked about in query mode, and those on the
 * source node are the move's pages. After the call they are asked about again, which says
 * page by page what moved. The undo record is the pages that moved with their source node, so
 * undoing is move_pages back page by page (undoMove), not a reverse migrate_pages that would
 * also take pages that were on the target before.
 */
import { migratePages, movePages, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL } from '../../../native/index.js';
import { formatCount, plural } from '../../common/format.js';
import type { ProcessIdentity } from '../../common/types.js';
import { readMaps } from '../proc/maps.js';
import { readPageSize } from '../system/pageSize.js';
import { MigratorError, errorCode } from './errors.js';
import { pageAddresses, pageAddressesOfRuns, segmentsOfPages, type AddressRange } from './plan.js';
import { checkIdentity, checkMoveAllAllowed, describeCallFailure, judgeTargetNodes, readNodeFacts, whyGone } from './preflight.js';
import { findPresentPages } from './present.js';
import { tally } from './summary.js';
import type { MoveCounts, MoveOptions, MoveResult } from './types.js';

export interface NodeMoveRequest {
  pid: number;
  fromNode: number;
  toNode: number;
  /** The process the caller planned for; the move is refused if the pid now names another. */
  expectedIdentity?: ProcessIdentity;
}

/** Pages per query call. */
const QUERY_CHUNK = 16384;

/** Where each page is, chunk by chunk, with progress and the signal checked between chunks. */
async function whereAre(pid: number, pages: BigUint64Array, options: MoveOptions, report: boolean): Promise<Int32Array> {
  const status = new Int32Array(pages.length);
  for (let at = 0; at < pages.length; at += QUERY_CHUNK) {
    if (options.signal?.aborted) throw new MigratorError('ABORTED', pid, 'move cancelled before any page was moved');
    const end = Math.min(pages.length, at + QUERY_CHUNK);
    await movePages(pid, pages.subarray(at, end), null, 0, status.subarray(at, end));
    if (report) options.onProgress?.({ phase: 'query', done: end, total: pages.length });
  }
  return status;
}

/** Every present page of the process's mappings, ascending. */
async function presentPages(pid: number, pageSize: number, signal: AbortSignal | undefined): Promise<BigUint64Array> {
  const segments: AddressRange[] = (await readMaps(pid)).map(({ start, end }) => ({ start, end }));
  const present = await findPresentPages(pid, segments, pageSize, signal);
  return present ? pageAddressesOfRuns(present.runs, present.count, pageSize) : pageAddresses(segments, pageSize);
}

/** Pages whose status is `node`, and how many. */
function pagesOn(pages: BigUint64Array, status: Int32Array, node: number): BigUint64Array {
  let count = 0;
  for (const s of status) if (s === node) count++;
  const out = new BigUint64Array(count);
  for (let i = 0, k = 0; i < status.length; i++) if (status[i] === node) out[k++] = pages[i] as bigint;
  return out;
}

/** Shared pages move only with CAP_SYS_NICE; undo then needs MOVE_ALL to put them back. */
async function undoFlags(pid: number): Promise<number> {
  try {
    await checkMoveAllAllowed(pid);
    return MPOL_MF_MOVE_ALL;
  } catch {
    return MPOL_MF_MOVE;
  }
}

function failure(identity: ProcessIdentity, error: unknown): MigratorError {
  if (error instanceof MigratorError) return error;
  const code = errorCode(error) ?? 'EIO';
  return new MigratorError(code, identity.pid, code === 'ESRCH' ? `process ${identity.pid} exited` : describeCallFailure('move_pages', code), { cause: error });
}

/** Moves every page of `request.pid` on `fromNode` to `toNode`; throws MigratorError when it cannot start. */
export async function moveNode(request: NodeMoveRequest, options: MoveOptions = {}): Promise<MoveResult> {
  const started = Date.now();
  const { pid, fromNode, toNode } = request;
  if (fromNode === toNode) throw new MigratorError('BAD_REQUEST', pid, `node ${fromNode} is both the source and the target`);
  const identity = await checkIdentity(pid, request.expectedIdentity);
  judgeTargetNodes(identity, await readNodeFacts(pid), [toNode]);
  const pageSize = await readPageSize();
  const flags = await undoFlags(pid);

  let pages: BigUint64Array;
  let before: Int32Array;
  try {
    const all = await presentPages(pid, pageSize, options.signal);
    pages = pagesOn(all, await whereAre(pid, all, options, true), fromNode);
    before = new Int32Array(pages.length).fill(fromNode);
  } catch (error) {
    throw failure(identity, error);
  }
  if (options.signal?.aborted) throw new MigratorError('ABORTED', pid, 'move cancelled before any page was moved');

  options.onProgress?.({ phase: 'move', done: 0, total: pages.length });
  let notMoved: number;
  try {
    notMoved = await migratePages(pid, [fromNode], [toNode]);
  } catch (error) {
    const code = errorCode(error) ?? 'EIO';
    if (code === 'ESRCH' || (code === 'EINVAL' && (await whyGone(identity)) !== null)) throw new MigratorError('ESRCH', pid, `process ${pid} exited before the move`, { cause: error });
    throw new MigratorError(code, pid, describeCallFailure('migrate_pages', code), { cause: error });
  }
  const after = await whereAre(pid, pages, {}, false).catch(() => new Int32Array(pages.length).fill(fromNode));
  options.onProgress?.({ phase: 'move', done: pages.length, total: pages.length });
  return nodeMoveResult({ identity, flags, fromNode, toNode, pageSize, pages, before, after, notMoved, started });
}

interface Finished {
  identity: ProcessIdentity;
  flags: number;
  fromNode: number;
  toNode: number;
  pageSize: number;
  pages: BigUint64Array;
  before: Int32Array;
  after: Int32Array;
  notMoved: number;
  started: number;
}

function nodeMoveResult(f: Finished): MoveResult {
  const { identity, flags, fromNode, toNode, pageSize, pages, before, after } = f;
  const moved = pagesOn(pages, after, toNode);
  const notPresent = new Map<number, number>();
  let stayed = 0;
  for (const s of after) {
    if (s < 0) notPresent.set(s, (notPresent.get(s) ?? 0) + 1);
    else if (s !== toNode) stayed++;
  }
  const gone = pages.length - moved.length - stayed;
  const counts: MoveCounts = {
    requested: pages.length,
    unmapped: 0,
    notPresent: gone,
    alreadyOnTarget: 0,
    toMove: pages.length,
    moved: moved.length,
    failed: stayed,
    notAttempted: 0,
  };
  let message = `${plural(counts.moved, 'page')} moved from node ${fromNode} to node ${toNode} (migrate_pages)`;
  if (gone > 0) message += `, ${formatCount(gone)} no longer present`;
  // migrate_pages says how many, never which or why.
  if (stayed > 0) message += `; ${plural(stayed, 'page')} stayed on node ${fromNode} (pinned, busy, or shared with other processes)`;
  else if (f.notMoved > 0) message += `; the kernel reported ${formatCount(f.notMoved)} not moved`;
  return {
    identity,
    toNode,
    flags,
    outcome: 'complete',
    message,
    error: null,
    pageSize,
    segments: segmentsOfPages(pages, pageSize),
    pages,
    before,
    status: after,
    counts,
    failures: [],
    notPresent: tally(notPresent),
    undo: { identity, flags, pages: moved, nodes: new Int32Array(moved.length).fill(fromNode) },
    survey: { askedPages: pages.length, knownPages: 0, queryMs: 0 },
    durationMs: Date.now() - f.started,
  };
}
