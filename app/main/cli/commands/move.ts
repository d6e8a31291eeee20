/** `numascope move`: move the pages of address ranges of a process to one node. */
import { MPOL_MF_MOVE_ALL } from '../../../../native/index.js';
import { moveRanges, statusRuns, type AddressRange, type MoveProgress, type MoveResult, type StatusCount } from '../../migrator/index.js';
import { requireInspectable } from '../../proc/access.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, progressLine, type Command } from '../command.js';
import { formatCount, hex, plural, terminalSafe } from '../format.js';
import { expectedIdentity, identityJson, parseProcessCommandLine, PROCESS_OPTIONS_HELP, withJsonErrors } from './process-options.js';

const HELP = `usage: numascope move <pid> --range START-END[,START-END...] --to NODE [--all] [--json]

Moves the pages of one or more address ranges of a process to NUMA node NODE with
move_pages(2). Ranges are hexadecimal addresses as /proc/PID/maps prints them (with or
without 0x), end exclusive; they are widened to whole pages and clipped to the process's
mappings. Pages that are not present are left alone and reported; a transparent huge page
moves as a whole.

options:
  --range RANGES     address ranges, comma-separated; the option may be repeated
  --to NODE          the node to move the pages to
  --all              also move pages shared with other processes (MPOL_MF_MOVE_ALL);
                     needs CAP_SYS_NICE (root)
${PROCESS_OPTIONS_HELP}

Progress is drawn on stderr when it is a terminal. Ctrl-C stops after the current chunk
and reports what had moved.

exit status:
  0  every page present in the ranges is on NODE now (moved, or already there)
  1  some present pages are not on NODE (the summary says why, page status by page
     status), or the process exited, or the move was interrupted or could not start
  2  bad command line

examples:
  numascope move 4242 --range 0x7f3a40000000-0x7f3a48000000 --to 1
  numascope move 4242 --range 7f3a40000000-7f3a40200000,7f3a50000000-7f3a50400000 --to 2
  sudo numascope move 4242 --range 0x55d0c0a00000-0x55d0c0e00000 --to 0 --all --json`;

function parseAddress(text: string, whole: string): bigint {
  const hex = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(hex)) throw new UsageError(`bad range "${whole}": "${text}" is not a hexadecimal address`);
  return BigInt(`0x${hex}`);
}

export function parseRanges(texts: readonly string[]): AddressRange[] {
  const ranges: AddressRange[] = [];
  for (const text of texts) {
    for (const part of text.split(',')) {
      const match = /^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$/.exec(part);
      if (!match) throw new UsageError(`bad range "${part}": expected START-END, e.g. 0x7f0000000000-0x7f0000200000`);
      const start = parseAddress(match[1] as string, part);
      const end = parseAddress(match[2] as string, part);
      if (end <= start) throw new UsageError(`bad range "${part}": the end must lie after the start`);
      ranges.push({ start, end });
    }
  }
  return ranges;
}

export function parseNode(text: string | undefined, option: string): number {
  if (text === undefined) throw new UsageError(`missing ${option} NODE`);
  if (/^-\d+$/.test(text)) throw new UsageError(`${option} "${text}" is not a node number: nodes are numbered from 0, as \`numascope topology\` lists them`);
  if (!/^\d{1,4}$/.test(text)) throw new UsageError(`${option} "${text}" is not a node number`);
  return Number(text);
}

function mib(pages: number, pageSize: number): string {
  return `${((pages * pageSize) / (1 << 20)).toFixed(1)} MiB`;
}

function describeStatuses(list: readonly StatusCount[]): string[] {
  return list.map((s) => `      ${formatCount(s.pages).padStart(10)}  ${s.code}: ${s.reason}`);
}

export function formatMoveSummary(result: MoveResult): string {
  const c = result.counts;
  const who = `process ${result.identity.pid} (${terminalSafe(result.identity.comm)})`;
  const target = result.toNode === null ? 'their previous nodes' : `node ${result.toNode}`;
  const lines = [
    `${who}: ${terminalSafe(result.message)}`,
    `  requested       ${formatCount(c.requested).padStart(10)} pages (${mib(c.requested, result.pageSize)})${c.unmapped > 0 ? `, ${formatCount(c.unmapped)} of them outside every mapping` : ''}`,
    `  moved           ${formatCount(c.moved).padStart(10)} of ${formatCount(c.toMove)} to move to ${target}`,
  ];
  if (result.toNode !== null) lines.push(`  already there   ${formatCount(c.alreadyOnTarget).padStart(10)}`);
  lines.push(`  failed          ${formatCount(c.failed).padStart(10)}`, ...describeStatuses(result.failures));
  if (c.notAttempted > 0) lines.push(`  not attempted   ${formatCount(c.notAttempted).padStart(10)}`);
  lines.push(`  not present     ${formatCount(c.notPresent).padStart(10)}`, ...describeStatuses(result.notPresent));
  lines.push(`  took            ${(result.durationMs / 1000).toFixed(2)} s${(result.flags & MPOL_MF_MOVE_ALL) !== 0 ? ' (MPOL_MF_MOVE_ALL)' : ''}`);
  lines.push(`  process start   ${result.identity.startTime} (for --expect-start)`);
  return lines.join('\n');
}

export function moveResultJson(result: MoveResult): object {
  return {
    ...identityJson(result.identity),
    toNode: result.toNode,
    moveAll: (result.flags & MPOL_MF_MOVE_ALL) !== 0,
    outcome: result.outcome,
    message: result.message,
    error: result.error,
    pageSize: result.pageSize,
    counts: result.counts,
    failures: result.failures,
    notPresent: result.notPresent,
    segments: result.segments.map((s) => ({ start: hex(s.start), end: hex(s.end) })),
    // Final status of every page of the segments, in address order, run-length encoded.
    runs: statusRuns(result),
    durationMs: result.durationMs,
  };
}

/** One line for stderr when the move did not put every present page on the target. */
function failureLine(result: MoveResult): string | null {
  if (result.outcome !== 'complete') return result.message;
  if (result.counts.failed === 0) return null;
  const top = result.failures[0];
  return `${plural(result.counts.failed, 'page')} could not be moved${top ? ` (most: ${top.code}, ${top.reason})` : ''}`;
}

const PHASES: Record<MoveProgress['phase'], string> = { query: 'reading placement', move: 'moving', retry: 'retrying busy pages' };

export const moveCommand: Command = {
  name: 'move',
  help: HELP,
  async run(args, io) {
    const { values, pid } = parseProcessCommandLine(args, { range: { type: 'string', multiple: true }, to: { type: 'string' }, all: { type: 'boolean', default: false } });
    if (!values.range || values.range.length === 0) throw new UsageError('missing --range START-END');
    const ranges = parseRanges(values.range);
    const toNode = parseNode(values.to, '--to');
    const expected = await expectedIdentity(pid, values['expect-start']);

    let phase: MoveProgress['phase'] | null = null;
    let line: ReturnType<typeof progressLine> | null = null;
    const onProgress = (p: MoveProgress): void => {
      if (p.phase !== phase) {
        line?.done();
        phase = p.phase;
        line = progressLine(io, PHASES[p.phase]);
      }
      line?.update(p.done, p.total);
    };
    let result: MoveResult;
    try {
      result = await withJsonErrors(pid, values.json, io, async () => {
        await requireInspectable(pid);
        return moveRanges({ pid, ranges, toNode, moveAll: values.all, ...(expected ? { expectedIdentity: expected } : {}) }, { signal: io.signal, onProgress });
      });
    } finally {
      // TypeScript cannot see the assignment inside the callback.
      (line as ReturnType<typeof progressLine> | null)?.done();
    }
    io.stdout(values.json ? `${JSON.stringify(moveResultJson(result))}\n` : `${formatMoveSummary(result)}\n`);
    const failure = failureLine(result);
    if (failure === null) return EXIT_OK;
    io.stderr(`numascope move: ${terminalSafe(failure)}\n`);
    return EXIT_FAILURE;
  },
};
