import { describeStatus } from '../../../common/errno.js';
import { parseSnapshot } from '../../../common/snapshot/codec.js';
import { SnapshotError } from '../../../common/snapshot/error.js';
import type { HeatSection, SnapshotFile, SnapshotVma } from '../../../common/snapshot/schema.js';
import { isTimelineText, parseTimeline } from '../../../common/timeline/reader.js';
import { isStandardInput } from '../../files/input.js';
import { readSnapshotText } from '../../snapshot/io.js';
import { timelineJson, timelineSummary } from './open-timeline.js';
import { EXIT_OK, parseCommandLine, UsageError, type Command } from '../command.js';
import { formatCount, formatSize, plural, table, terminalSafe } from '../format.js';

function pagesByStatus(vma: SnapshotVma): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [pages, status] of vma.runs) counts.set(status, (counts.get(status) ?? 0) + pages);
  return counts;
}

/** Heat ranges named in the text: the hottest few (--json has them all). */
const HOTTEST_SHOWN = 5;

/** The snapshot's heat section in words: what measured it and when, and its hottest ranges. */
export function heatLines(heat: HeatSection): string[] {
  const lines = [
    `heat: ${terminalSafe(heat.label)}, source ${heat.source}, measured ${terminalSafe(heat.startedAt)} to ${terminalSafe(heat.measuredAt)} (${plural(heat.samples, 'interval')} of ${heat.intervalMs} ms, ${terminalSafe(heat.resolution)}); ${plural(heat.ranges.length, 'range')} seen used`,
  ];
  const hottest = heat.ranges
    .map((range, i) => ({ range, i }))
    .sort((a, b) => b.range.heat - a.range.heat || a.i - b.i)
    .slice(0, HOTTEST_SHOWN);
  if (hottest.length === 0) return lines;
  const rows = [['start', 'end', 'size', 'heat']];
  for (const { range } of hottest) {
    rows.push([terminalSafe(range.start), terminalSafe(range.end), formatSize(Number(BigInt(range.end) - BigInt(range.start))), `${(range.heat * 100).toFixed(1)}%`]);
  }
  lines.push(`hottest ${plural(hottest.length, 'range')}:`, table(rows));
  return lines;
}

function summary(file: SnapshotFile, allRegions: boolean): string {
  const lines: string[] = [];
  const p = file.process;
  lines.push(`process ${p.pid} (${terminalSafe(p.comm)}) ${terminalSafe(p.cmdline.join(' '))}`.trimEnd());
  lines.push(`start ${p.startTime}, taken ${terminalSafe(file.takenAt)} on kernel ${terminalSafe(file.kernel)}, page size ${file.pageSize}, ${plural(file.nodes.length, 'node')}, ${plural(file.vmas.length, 'region')}`);
  const nodeRows = [['node', 'pages', 'size']];
  for (const [node, pages] of Object.entries(file.totals.byNode)) nodeRows.push([terminalSafe(node), formatCount(pages), formatSize(pages * file.pageSize)]);
  for (const [status, pages] of Object.entries(file.totals.byStatus)) nodeRows.push([describeStatus(Number(status)), formatCount(pages), formatSize(pages * file.pageSize)]);
  lines.push('', table(nodeRows));
  if (file.heat !== undefined) lines.push('', ...heatLines(file.heat));
  const nodeIds = file.nodes.map((n) => n.id);
  const regions = file.vmas
    .map((vma) => ({ vma, counts: pagesByStatus(vma), size: Number(BigInt(vma.end) - BigInt(vma.start)) }))
    .sort((a, b) => b.size - a.size);
  const shown = allRegions ? regions : regions.slice(0, 20);
  const rows = [['start', 'size', 'perms', ...nodeIds.map((id) => `node ${id}`), 'absent', 'name']];
  for (const { vma, counts, size } of shown) {
    let absent = 0;
    for (const [status, pages] of counts) if (status < 0) absent += pages;
    rows.push([terminalSafe(vma.start), formatSize(size), terminalSafe(vma.perms), ...nodeIds.map((id) => formatCount(counts.get(id) ?? 0)), formatCount(absent), terminalSafe(vma.name)]);
  }
  lines.push('', table(rows));
  if (shown.length < regions.length) lines.push(`(${regions.length - shown.length} smaller regions not shown; --regions lists all)`);
  return `${lines.join('\n')}\n`;
}

/** What `read` returns, or its SnapshotError in the words of every read refusal (`cannot read snapshot F: ...`). */
function refuseAs<T>(what: string, name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SnapshotError) throw new SnapshotError(`cannot read ${what} ${name}: ${error.message}`, { cause: error });
    throw error;
  }
}

export const openCommand: Command = {
  name: 'open',
  help: `usage: numascope open FILE [--regions] [--json]

Reads a snapshot written by \`numascope snapshot\`, checks it thoroughly, and prints
the process, the pages per node and per status, the heat measured with it when it
has some (its source, window and hottest ranges), and the largest regions with their
pages per node. A timeline written by \`numascope record\` is recognised: every poll
is replayed and checked, and its pages per node and not present are printed per poll,
with the marks (pages seen changing node). FILE may be \`-\` (or /dev/stdin) for standard input, a FIFO or
a character device; the 256 MiB size limit applies while reading them.

options:
  --regions   list every region, not only the 20 largest
  --json      print the validated snapshot as JSON instead (for a timeline: its
              header, per-poll totals, marks and end)
  -h, --help`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { regions: { type: 'boolean' }, json: { type: 'boolean' } });
    const [path, extra] = positionals;
    if (path === undefined) throw new UsageError('missing FILE');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const options = { streams: true, signal: io.signal };
    const text = await readSnapshotText(path, options);
    const name = isStandardInput(path) ? 'standard input' : path;
    if (isTimelineText(text)) {
      const timeline = refuseAs('timeline', name, () => parseTimeline(text));
      io.stdout(values.json ? `${JSON.stringify(timelineJson(timeline))}\n` : timelineSummary(timeline));
      return EXIT_OK;
    }
    const file = refuseAs('snapshot', name, () => parseSnapshot(text));
    io.stdout(values.json ? `${JSON.stringify(file)}\n` : summary(file, values.regions === true));
    return EXIT_OK;
  },
};
