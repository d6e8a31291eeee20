/**
 * Moving the pages of address ranges of a process to a node with move_pages(2), and undoing it.
 *
 * The order of work: check the process and the target node; clip the ranges to the mappings;
 * in large ranges, list only the pages pagemap shows present (present.ts: a sparse reservation
 * of terabytes would otherwise cost gigabytes); find where every listed page is, which is also
 * the undo record (whole mappings numa_maps shows on one node need no query, see known.ts; the
 * other pages are asked about in query mode, and for a move to one node the query runs ahead
 * of the moves, see survey.ts); send the present pages that are not on the target, one
 * address per presumed huge folio, sorted by target node, in bounded chunks (chunks.ts); after
 * each chunk ask again where the pages are whose answer is not already final, because the
 * kernel's per-page answers are incomplete when part of a batch fails (it stops and writes no
 * status for the rest; settle.ts); retry busy pages a few times; count and explain
 * (outcome.ts, summary.ts). This file plans the job; run.ts carries it out.
 *
 * Throws MigratorError when the move cannot start: no such process, another process under the
 * pid, a bad node, MOVE_ALL not permitted, nothing mapped, or the query failing (the process
 * exited, or the signal fired, before any page was sent). A query that fails after the first
 * page was sent ends the move like any other exit, with the pages it never reached counted as
 * not attempted. From the first page sent on, it always resolves with a MoveResult whose
 * outcome says whether it completed, was cancelled, ended because the process exited, or
 * failed as a whole; the result holds what did move and how to undo it.
 */
import { readFileSync } from 'node:fs';
import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL } from '../../../native/index.js';
import type { NumaMapsEntry, ProcessIdentity } from '../../common/types.js';
import { parseStatmResident } from '../proc/list.js';
import { readMaps } from '../proc/maps.js';
import { readNumaMaps } from '../proc/numaMaps.js';
import { readPageSize } from '../system/pageSize.js';
import { MigratorError, errorCode } from './errors.js';
import { knownSpans, numaMapsWorthReading } from './known.js';
import { clipToVmas, countPages, pageAddresses, pageAddressesOfRuns, segmentRuns, segmentsOfPages, type AddressRange } from './plan.js';
import { checkIdentity, checkMoveAllAllowed, checkTargetNodes, describeCallFailure, judgeTargetNodes, readNodeFacts, whyGoneNow } from './preflight.js';
import { findPresentPages, presenceWanted, type PresentPages } from './present.js';
import { execute } from './run.js';
import type { MoveOptions, MoveRequest, MoveResult, UndoPlan } from './types.js';

export type { MoveCounts, MoveJob, MoveOptions, MoveOutcome, MoveProgress, MoveRequest, MoveResult, StatusCount, UndoPlan } from './types.js';

function flagsFor(moveAll: boolean | undefined): number {
  return moveAll ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE;
}

/** Moves the pages of `request.ranges` of a process to `request.toNode`. */
export async function moveRanges(request: MoveRequest, options: MoveOptions = {}): Promise<MoveResult> {
  const started = Date.now();
  const { pid, toNode } = request;
  if (!Number.isInteger(toNode) || toNode < 0) throw new MigratorError('BAD_REQUEST', pid, `bad node ${toNode}`);
  if (request.ranges.length === 0) throw new MigratorError('BAD_REQUEST', pid, 'no address range given');
  for (const r of request.ranges) {
    if (r.start < 0n || r.end <= r.start) throw new MigratorError('BAD_REQUEST', pid, `bad range 0x${r.start.toString(16)}-0x${r.end.toString(16)}: the end must lie after the start`);
  }
  // The reads behind the checks start together (each is a few thread-pool round trips, tens
  // of milliseconds under emulation); their verdicts are taken in the order the checks had when
  // they ran one after another, so the same problem gets the same error. An early failure
  // leaves the other reads to finish unobserved.
  const identityRead = checkIdentity(pid, request.expectedIdentity);
  const nodeFacts = readNodeFacts(pid);
  const mapsRead = (async () => readMaps(pid))();
  const pageSizeRead = readPageSize();
  // Read when it may spare the query most of its work (see known.ts); any failure leaves the
  // query to do all of it. Beside the checks when the ranges are too small to look up presence
  // first; else after, once the present pages are known: the walk covers the whole range, which
  // for a sparse reservation of terabytes costs seconds.
  const numaMapsFor = (pages: number): Promise<NumaMapsEntry[] | null> =>
    options.numaMaps !== false && numaMapsWorthReading(pages, residentPages(pid)) ? readNumaMaps(pid).catch(() => null) : Promise.resolve(null);
  const earlyNumaMaps = pageSizeRead
    .then((pageSize) => {
      const pages = pagesOfRanges(request.ranges, pageSize);
      return presenceWanted(options.presence, pages) ? undefined : numaMapsFor(pages);
    })
    .catch(() => null);
  for (const read of [identityRead, nodeFacts, mapsRead]) read.catch(() => {});
  const identity = await identityRead;
  judgeTargetNodes(identity, await nodeFacts, [toNode]);
  if (request.moveAll) await checkMoveAllAllowed(pid);
  const [pageSize, vmas] = await Promise.all([pageSizeRead, mapsOf(identity, mapsRead)]);
  const clip = clipToVmas(request.ranges, vmas, pageSize);
  if (clip.segments.length === 0) {
    throw new MigratorError('NOTHING_MAPPED', pid, `nothing is mapped in the given range${request.ranges.length > 1 ? 's' : ''} of process ${pid}`);
  }
  const mappedPages = clip.requestedPages - clip.unmappedPages;
  const present = presenceWanted(options.presence, mappedPages) ? await presentPagesOf(identity, clip.segments, pageSize, options.signal) : null;
  const pages = present ? pageAddressesOfRuns(present.runs, present.count, pageSize) : pageAddresses(clip.segments, pageSize);
  const segments = clip.segments.map(({ start, end }) => ({ start, end }));
  const early = await earlyNumaMaps;
  // Only mappings with every page present can be placed from numa_maps: count those.
  const wholePages = present ? clip.segments.reduce((sum, s, k) => (present.listed[k] === countPages([s], pageSize) ? sum + (present.listed[k] as number) : sum), 0) : mappedPages;
  const numaMaps = early !== undefined ? early : await numaMapsFor(wholePages);
  return execute(
    {
      identity,
      flags: flagsFor(request.moveAll),
      toNode,
      pageSize,
      segments,
      pages,
      targets: new Int32Array(pages.length).fill(toNode),
      requested: clip.requestedPages,
      unmapped: clip.unmappedPages,
      started,
      knownSpans: numaMaps ? knownSpans(clip.segments, vmas, numaMaps, pageSize, present?.listed) : [],
      ...(present ? { unlisted: { pages: clip.segments.map((s, k) => countPages([s], pageSize) - (present.listed[k] as number)), status: present.absentStatus } } : {}),
    },
    options,
  );
}

/** The present pages, with a failure to read them (the process went away) as a MigratorError. */
async function presentPagesOf(identity: ProcessIdentity, segments: readonly AddressRange[], pageSize: number, signal: AbortSignal | undefined): Promise<PresentPages | null> {
  let present: PresentPages | null;
  try {
    present = await findPresentPages(identity.pid, segments, pageSize, signal);
  } catch (error) {
    if (error instanceof MigratorError) throw error;
    const code = errorCode(error) ?? 'EIO';
    const gone = whyGoneNow(identity);
    throw new MigratorError(gone !== null ? 'ESRCH' : code, identity.pid, gone ?? describeCallFailure('move_pages', code), { cause: error });
  }
  // Reading the pagemap of a process that has exited gives nothing, which the read source
  // (before Linux 6.7) takes as every page present: list none of them.
  const gone = whyGoneNow(identity);
  if (gone !== null) throw new MigratorError('ESRCH', identity.pid, `${gone} before any page was moved`);
  return present;
}

/** The final status of every page of a result's segments, in address order, run-length encoded. */
export function statusRuns(result: MoveResult): [number, number][] {
  return segmentRuns(result.segments, result.pages, result.status, result.unlistedStatus ?? null, result.pageSize);
}

/** Pages the ranges cover, overlaps counted twice (it only sizes a decision). */
function pagesOfRanges(ranges: readonly AddressRange[], pageSize: number): number {
  let bytes = 0n;
  for (const r of ranges) bytes += r.end - r.start;
  return Number(bytes / BigInt(pageSize));
}

/** Resident pages of the process (statm, answered from counters without locks); Infinity if unknown. */
function residentPages(pid: number): number {
  try {
    return parseStatmResident(readFileSync(`/proc/${pid}/statm`, 'utf8'));
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

async function mapsOf(identity: ProcessIdentity, read: Promise<AddressRange[]>): Promise<AddressRange[]> {
  try {
    return await read;
  } catch (error) {
    const code = errorCode(error) ?? 'EIO';
    const message = code === 'ESRCH' ? `process ${identity.pid} exited` : error instanceof Error ? error.message : String(error);
    throw new MigratorError(code, identity.pid, message, { cause: error });
  }
}

/**
 * Puts every page a move moved back on the node it came from (pages moved since by someone
 * else are moved back too; pages gone since are reported as not present).
 */
export async function undoMove(plan: UndoPlan, options: MoveOptions = {}): Promise<MoveResult> {
  const started = Date.now();
  const pid = plan.identity.pid;
  if (plan.pages.length !== plan.nodes.length) throw new MigratorError('BAD_REQUEST', pid, 'undo plan: pages and nodes differ in length');
  const identity = await checkIdentity(pid, plan.identity);
  await checkTargetNodes(identity, [...new Set(plan.nodes)]);
  if ((plan.flags & MPOL_MF_MOVE_ALL) !== 0) await checkMoveAllAllowed(pid);
  const pageSize = await readPageSize();
  // Sorted by address, as the planner needs; the plan from a MoveResult already is.
  const order = [...plan.pages.keys()].sort((a, b) => {
    const x = plan.pages[a] as bigint;
    const y = plan.pages[b] as bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const pages = BigUint64Array.from(order, (i) => plan.pages[i] as bigint);
  const targets = Int32Array.from(order, (i) => plan.nodes[i] as number);
  return execute(
    {
      identity,
      flags: plan.flags,
      toNode: null,
      pageSize,
      segments: segmentsOfPages(pages, pageSize),
      pages,
      targets,
      requested: pages.length,
      unmapped: 0,
      started,
    },
    options,
  );
}
