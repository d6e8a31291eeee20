/**
 * `numascope diff A B`: the change from snapshot A (before) to snapshot B (after), computed by
 * the same module as the window's comparison (app/common/snapshot/diff.ts). Exit status as
 * diff(1): 0 when the placements are the same, 1 when they differ, 2 when they cannot be
 * compared (bad usage, a file that cannot be read or checked, different page sizes).
 */
import { describeStatus } from '../../../common/errno.js';
import { diffSnapshots, type MappedRange, type PlacementDiff } from '../../../common/snapshot/diff.js';
import { SnapshotError } from '../../../common/snapshot/error.js';
import type { SnapshotFile } from '../../../common/snapshot/index.js';
import { readSnapshotFile } from '../../snapshot/io.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError, type CliIO, type Command } from '../command.js';
import { formatCount, formatSize, hex, table, terminalSafe } from '../format.js';

/** The `--json` document; its fields are documented in docs/diff.md and never renamed. */
export interface DiffReport {
  format: 'numascope-diff';
  version: 1;
  before: SideReport;
  after: SideReport;
  /** No page changed status and no address was mapped or unmapped. */
  equal: boolean;
  sameProcess: boolean;
  /** `before` was taken later than `after`: the arguments are the other way round. */
  backwards: boolean;
  pageSize: number;
  totals: { status: number; name: string; before: number; after: number; delta: number }[];
  pages: { compared: number; changed: number; newlyMapped: number; noLongerMapped: number };
  transitions: { from: number; to: number; pages: number }[];
  moved: { from: number; to: number; pages: number }[];
  ranges: { added: RangeReport[]; removed: RangeReport[] };
  changedRegions: { start: string; end: string; name: string; changedPages: number }[];
}

interface SideReport {
  file: string;
  takenAt: string;
  pid: number;
  startTime: number;
  comm: string;
}

interface RangeReport {
  start: string;
  end: string;
  pages: number;
  /** The name of the region the range lies in (in `after` for added, `before` for removed). */
  name: string;
}

function side(file: string, snapshot: SnapshotFile): SideReport {
  const p = snapshot.process;
  return { file, takenAt: snapshot.takenAt, pid: p.pid, startTime: p.startTime, comm: p.comm };
}

function rangesIn(ranges: readonly MappedRange[], snapshot: SnapshotFile): RangeReport[] {
  return ranges.map((range) => {
    const vma = snapshot.vmas.find((v) => BigInt(v.start) <= range.start && range.start < BigInt(v.end));
    return { start: hex(range.start), end: hex(range.end), pages: range.pages, name: vma?.name ?? '' };
  });
}

export function diffReport(before: { file: string; snapshot: SnapshotFile }, after: { file: string; snapshot: SnapshotFile }, diff: PlacementDiff): DiffReport {
  return {
    format: 'numascope-diff',
    version: 1,
    before: side(before.file, before.snapshot),
    after: side(after.file, after.snapshot),
    equal: diff.changedPages === 0 && diff.newPages === 0 && diff.gonePages === 0,
    sameProcess: diff.sameProcess,
    backwards: Date.parse(before.snapshot.takenAt) > Date.parse(after.snapshot.takenAt),
    pageSize: diff.pageSize,
    totals: diff.totals.map((t) => ({ ...t, name: describeStatus(t.status) })),
    pages: { compared: diff.comparedPages, changed: diff.changedPages, newlyMapped: diff.newPages, noLongerMapped: diff.gonePages },
    transitions: diff.transitions,
    moved: diff.moved,
    ranges: { added: rangesIn(diff.added, after.snapshot), removed: rangesIn(diff.gone, before.snapshot) },
    changedRegions: diff.regions.map((r) => ({ start: hex(r.start), end: hex(r.end), name: r.name, changedPages: r.changedPages })),
  };
}

function signed(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? `-${formatCount(-n)}` : '0';
}

function rangeRows(ranges: readonly RangeReport[], pageSize: number): string {
  const rows = ranges.slice(0, 20).map((r) => [`  ${r.start}-${r.end}`, formatSize(r.pages * pageSize), `${formatCount(r.pages)} pages`, terminalSafe(r.name)]);
  const more = ranges.length > 20 ? `\n  (${ranges.length - 20} more; --json lists all)` : '';
  return table(rows) + more;
}

export function diffText(report: DiffReport): string {
  const lines: string[] = [];
  const name = (role: string, s: SideReport): string => `${role}  ${terminalSafe(s.file)}: pid ${s.pid} (${terminalSafe(s.comm)}) start ${s.startTime}, taken ${terminalSafe(s.takenAt)}`;
  lines.push(name('before', report.before), name('after ', report.after));
  if (report.backwards) lines.push('note: "before" was taken after "after": this reads backwards (swap the arguments)');
  if (!report.sameProcess) lines.push('note: these are snapshots of different processes (pid or start time differ)');
  lines.push('', table([['pages', 'before', 'after', 'change'], ...report.totals.map((t) => [t.name, formatCount(t.before), formatCount(t.after), signed(t.delta)])]));
  const p = report.pages;
  lines.push('', `${formatCount(p.changed)} of ${formatCount(p.compared)} pages mapped in both changed; ${formatCount(p.newlyMapped)} newly mapped; ${formatCount(p.noLongerMapped)} no longer mapped`);
  if (report.transitions.length > 0) {
    lines.push('changed status (from -> to):');
    lines.push(table(report.transitions.map((t) => [`  ${describeStatus(t.from)} -> ${describeStatus(t.to)}`, formatCount(t.pages)])));
  }
  const ranges = (n: number): string => `${formatCount(n)} ${n === 1 ? 'range' : 'ranges'}`;
  if (report.ranges.added.length > 0) lines.push(`mapped after only (${ranges(report.ranges.added.length)}):`, rangeRows(report.ranges.added, report.pageSize));
  if (report.ranges.removed.length > 0) lines.push(`mapped before only (${ranges(report.ranges.removed.length)}):`, rangeRows(report.ranges.removed, report.pageSize));
  lines.push(report.equal ? 'the placements are the same' : 'the placements differ');
  return `${lines.join('\n')}\n`;
}

async function read(path: string, io: CliIO): Promise<SnapshotFile | string> {
  try {
    return await readSnapshotFile(path, { streams: true, signal: io.signal });
  } catch (error) {
    if (error instanceof SnapshotError) return error.message;
    throw error;
  }
}

export const diffCommand: Command = {
  name: 'diff',
  help: `usage: numascope diff BEFORE AFTER [--json]

Compares two snapshots written by \`numascope snapshot\` (or exported from the window): the
change from BEFORE to AFTER, each named by its file and the time it was taken. Prints the
pages per node and per status in both and the change, the pages that changed status
(from -> to, e.g. node 0 -> node 1, or ENOENT -> node 0 for pages that appeared), and the
address ranges mapped in only one of them. Either file may be \`-\` for standard input.

Exit status: 0 when the placements are the same, 1 when they differ, 2 when they cannot be
compared (bad usage, a file that cannot be read or is not a valid snapshot, different page
sizes).

options:
  --json      print the comparison as one JSON document (described in docs/diff.md)
  -h, --help`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } });
    const [beforePath, afterPath, extra] = positionals;
    if (beforePath === undefined || afterPath === undefined) throw new UsageError('needs two snapshot files, BEFORE and AFTER');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (beforePath === '-' && afterPath === '-') throw new UsageError('only one of the two files can be standard input (-)');
    const before = await read(beforePath, io);
    const after = typeof before === 'string' ? '' : await read(afterPath, io);
    for (const problem of [before, after]) {
      if (typeof problem === 'string' && problem !== '') {
        io.stderr(`numascope diff: ${terminalSafe(problem)}\n`);
        return EXIT_USAGE;
      }
    }
    const a = before as SnapshotFile;
    const b = after as SnapshotFile;
    let diff: PlacementDiff;
    try {
      diff = diffSnapshots(a, b);
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      io.stderr(`numascope diff: ${terminalSafe(error.message)}\n`);
      return EXIT_USAGE;
    }
    const report = diffReport({ file: beforePath, snapshot: a }, { file: afterPath, snapshot: b }, diff);
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : diffText(report));
    return report.equal ? EXIT_OK : EXIT_FAILURE;
  },
};
