import type { RangeNodes, Recommendation } from '../../advice/advise.js';
import type { AdviceReport } from '../../advice/measure.js';
import { hex } from '../../../common/address.js';
import { formatBytes } from '../../../common/format.js';
import type { HeatChoice } from '../../heat/session.js';
import { requireInspectable } from '../../proc/access.js';
import { readTopology } from '../../system/topology.js';
import { EXIT_OK, parseCommandLine, parsePid, progressLine, UsageError, type Command } from '../command.js';
import { formatCount, formatSize, table, terminalSafe } from '../format.js';

const CHOICES: readonly HeatChoice[] = ['auto', 'damon', 'soft-dirty'];

export const adviseCommand: Command = {
  name: 'advise',
  help: `usage: numascope advise <pid> [--seconds N] [--interval MS] [--source auto|damon|soft-dirty] [--hot H] [--top N] [--json]

Measures for N seconds which memory of process <pid> is hot and which nodes its threads
run on, reads where every page is, and prints what to move: hot pages on a node where
none of the busy threads run (to the nearest node to them with room, that the process's
cpuset allows), and, with DAMON, cold pages on a node with CPUs while a CPU-less (slower)
node has room. Then the hottest ranges, with where their pages are.

Heat is the share of sampling intervals in which a range was used:
  soft-dirty   writes only (the kernel's soft-dirty bits; the process's owner or root);
               a page that is only read looks cold, so no demotion is suggested
  damon        reads and writes (DAMON's vaddr monitor; root, Linux >= 6.2 with DAMON
               sysfs); experimental: its counts are not yet proven by numascope's tests,
               so it runs only when asked for
  auto         soft-dirty (the default)
Locality is an estimate: the share of present pages on the nodes the threads ran on,
weighted by their CPU time in the window.

options:
  --seconds N       how long to measure (default 5)
  --interval MS     one sampling interval (default 1000; 100-60000)
  --source S        the heat source (default auto)
  --hot H           heat from which a range counts as hot (default 0.2)
  --top N           hottest ranges to print (default 10; --json holds them all)
  --json            print the report as JSON (docs/advice-format.md)
  -h, --help

examples:
  numascope advise 1234
  numascope advise $(pidof redis-server) --seconds 30 --json > advice.json`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, {
      seconds: { type: 'string' },
      interval: { type: 'string' },
      source: { type: 'string' },
      hot: { type: 'string' },
      top: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const pid = parsePid(positionals[0]);
    const seconds = parseNumber('--seconds', values.seconds, 5, 0.1, 3600);
    const intervalMs = Math.round(parseNumber('--interval', values.interval, 1000, 100, 60000));
    const hot = parseNumber('--hot', values.hot, 0.2, 0, 1);
    const top = Math.round(parseNumber('--top', values.top, 10, 1, 1_000_000));
    const source = (values.source ?? 'auto') as HeatChoice;
    if (!CHOICES.includes(source)) throw new UsageError(`--source must be one of ${CHOICES.join(', ')}, got "${values.source}"`);
    await requireInspectable(pid);
    const topology = await readTopology();
    const { measureAdvice } = await import('../../advice/measure.js');
    const { startDamon } = await import('../../heat/damon.js');
    const progress = progressLine(io, `measuring ${pid}`, 'intervals');
    let report: AdviceReport;
    try {
      report = await measureAdvice(pid, topology, { seconds, intervalMs, choice: source, hot, signal: io.signal, onProgress: (done, total) => progress.update(done, total), damon: startDamon });
    } finally {
      progress.done();
    }
    io.stdout(values.json ? `${JSON.stringify(adviceJson(report), null, 2)}\n` : humanReport(report, top));
    return EXIT_OK;
  },
};

function parseNumber(option: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw new UsageError(`${option} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}

function nodesObject(pages: ReadonlyMap<number, number>): Record<string, number> {
  return Object.fromEntries([...pages].sort((a, b) => a[0] - b[0]).map(([node, count]) => [String(node), count]));
}

/** The stable JSON form (docs/advice-format.md): addresses as hex strings, times as ISO strings. */
export function adviceJson(report: AdviceReport): unknown {
  const { identity, heat } = report;
  const pageSize = report.topology.pageSize;
  return {
    format: 'numascope-advice',
    version: 1,
    process: { pid: identity.pid, comm: identity.comm, startTime: identity.startTime },
    takenAt: new Date(report.takenAt).toISOString(),
    kernel: report.topology.kernel,
    pageSize,
    heat: {
      source: heat.source,
      label: heat.label,
      resolution: heat.resolution,
      samples: heat.samples,
      intervalMs: heat.intervalMs,
      startedAt: new Date(heat.startedAt).toISOString(),
      endedAt: new Date(heat.endedAt).toISOString(),
    },
    locality: { process: report.locality, basis: report.weights.basis, nodeWeights: Object.fromEntries([...report.weights.weights].map(([node, weight]) => [String(node), weight])) },
    threads: report.threads,
    recommendations: report.advice.recommendations.map((item) => ({ ...item, start: hex(item.start), end: hex(item.end) })),
    notes: report.advice.notes,
    ranges: report.ranges.map((range) => ({
      start: hex(range.start),
      end: hex(range.end),
      bytes: Number(range.end - range.start),
      nodes: nodesObject(range.pagesByNode),
      heat: range.heat,
      age: range.age,
      source: heat.source,
    })),
    regions: report.regions.map((region) => ({ start: hex(region.start), end: hex(region.end), name: region.name, nodes: nodesObject(region.pagesByNode), locality: region.locality })),
  };
}

function ratio(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

function nodesText(pages: ReadonlyMap<number, number>): string {
  const entries = [...pages].sort((a, b) => a[0] - b[0]);
  return entries.length === 0 ? 'not present' : entries.map(([node, count]) => `${node}:${formatCount(count)}`).join(' ');
}

function recommendationLine(item: Recommendation): string {
  const verb = item.kind === 'promote' ? 'move' : 'demote';
  return `  ${verb} ${hex(item.start)}-${hex(item.end)} (${formatBytes(item.bytes)}, ${formatCount(item.pages)} pages) node ${item.fromNode} -> node ${item.toNode}, heat ${item.heat.toFixed(2)}: ${item.reason}`;
}

function humanReport(report: AdviceReport, top: number): string {
  const { identity, heat } = report;
  const lines: string[] = [];
  lines.push(`process ${identity.pid} (${terminalSafe(identity.comm)}), start ${identity.startTime}`);
  lines.push(`heat: ${heat.label}, ${heat.resolution}, ${heat.samples} intervals of ${heat.intervalMs} ms ending ${new Date(heat.endedAt).toISOString()}`);
  const weights = [...report.weights.weights].sort((a, b) => a[0] - b[0]).map(([node, weight]) => `node ${node} ${Math.round(weight * 100)}%`).join(', ');
  const basis = report.weights.basis === 'cpu-time' ? 'of CPU time' : 'of threads (idle in the window)';
  lines.push(`threads: ${weights || 'none placed'} ${weights ? basis : ''}`.trimEnd());
  lines.push(`locality: ${ratio(report.locality)} (estimate: present pages on the nodes the threads ran on, weighted by CPU time)`);
  lines.push('');
  lines.push('recommendations:');
  if (report.advice.recommendations.length === 0) lines.push('  none');
  for (const item of report.advice.recommendations) lines.push(terminalSafe(recommendationLine(item)));
  for (const note of report.advice.notes) lines.push(`  note: ${note}`);
  lines.push('');
  const shown: RangeNodes[] = report.ranges.slice(0, top);
  lines.push(`hottest ranges (heat: share of ${heat.intervalMs} ms intervals ${heat.source === 'soft-dirty' ? 'written' : 'accessed'}; ${formatCount(report.ranges.length)} in all):`);
  if (shown.length === 0) lines.push(`  none: nothing was ${heat.source === 'soft-dirty' ? 'written' : 'accessed'} in the window`);
  else {
    const rows = [['start', 'end', 'size', 'heat', 'pages by node']];
    for (const range of shown) rows.push([hex(range.start), hex(range.end), formatSize(Number(range.end - range.start)), range.heat.toFixed(2), nodesText(range.pagesByNode)]);
    lines.push(table(rows).replace(/^/gm, '  '));
  }
  return `${lines.join('\n')}\n`;
}
