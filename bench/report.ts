/** Plain-text tables of the results, for a terminal and for docs/benchmarks.md. */
import type { EventLoopResult } from './eventloop.js';
import type { ScenarioResult, VariantResult } from './scenarios.js';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a');

function verdict(result: ScenarioResult): string {
  const verified = result.verifyDefault.ok && result.verifyNaive.ok && result.defaultEqualsNaive.ok && result.checksumsAgree;
  if (!verified) return 'FAIL (answers differ)';
  if (result.thpMissing) return 'n/a (no THP)';
  return result.ratio <= result.maxRatio ? 'pass' : 'FAIL';
}

export function scenarioTable(results: ScenarioResult[]): string {
  return table(
    ['scenario', 'pages', 'reference ms med (min)', 'numascope ms med (min)', 'ratio med (min)', 'target', 'same pages', 'result'],
    results.map((r) => [
      r.name,
      String(r.totalPages),
      `${ms(r.referenceMs.median)} (${ms(r.referenceMs.min)})`,
      `${ms(r.numascopeMs.median)} (${ms(r.numascopeMs.min)})`,
      `${r.ratio.toFixed(2)} (${r.ratioMin.toFixed(2)})`,
      `<= ${r.maxRatio}`,
      r.verifyDefault.ok && r.verifyNaive.ok && r.defaultEqualsNaive.ok && r.checksumsAgree ? 'yes' : 'NO',
      verdict(r),
    ]),
  );
}

export interface MemoryRow {
  bytesPerPage: number;
  max: number;
  pass: boolean;
}

export function otherTable(memory: MemoryRow | null, loop: EventLoopResult | null): string {
  const rows: string[][] = [];
  if (memory) rows.push(['memory: placement bytes per tracked page', memory.bytesPerPage.toFixed(2), `<= ${memory.max}`, memory.pass ? 'pass' : 'FAIL']);
  if (loop) {
    rows.push([
      `event loop delay p99 while polling ${loop.targetSize} every ${loop.intervalMs / 1000} s for ${loop.seconds} s`,
      `${ms(loop.p99DelayMs)} ms (raw ${ms(loop.p99Ms)})`,
      `<= ${loop.maxP99Ms} ms`,
      loop.error ? `FAIL (${loop.error})` : loop.pass ? 'pass' : 'FAIL',
    ]);
  }
  return table(['measure', 'value', 'target', 'result'], rows);
}

export function detailLines(results: ScenarioResult[], loop: EventLoopResult | null): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(
      `${r.name}: paired ratio (median of per-round ratios) ${r.ratioPaired.toFixed(2)}; numascope queried ${r.stats.queriedPages} of ${r.stats.totalPages} pages in ${r.stats.calls} calls ` +
        `(skipped ${r.stats.skippedPages}); presence lookups alone (${r.stats.strategy ?? 'n/a'}) ${r.presenceOnlyMs === null ? 'n/a' : `${ms(r.presenceOnlyMs)} ms`}; ` +
        `reference statuses ${JSON.stringify(r.referenceHistogram)}`,
    );
    if (r.thp) lines.push(`  THP mode ${r.thp.mode}, target AnonHugePages ${(r.thp.anonHugeBytes / 2 ** 20).toFixed(0)} MiB`);
    for (const verdictLine of [...r.verifyDefault.details, ...r.verifyNaive.details, ...r.defaultEqualsNaive.details]) lines.push(`  mismatch: ${verdictLine}`);
    if (!r.checksumsAgree) lines.push('  a timed run\'s checksum differed from the reference of the same round');
  }
  if (loop) {
    lines.push(
      `event loop (raw histogram, ${loop.resolutionMs} ms timer included): idle p99 ${ms(loop.idleP99Ms)} ms; ` +
        `polling p50 ${ms(loop.p50Ms)} ms, p99 ${ms(loop.p99Ms)} ms, max ${ms(loop.maxMs)} ms; ` +
        `${loop.scans} scans of ${loop.pages} pages, scan ms median ${ms(loop.scanMs.median)} (min ${ms(loop.scanMs.min)}, max ${ms(loop.scanMs.max)})`,
    );
  }
  return lines.join('\n');
}

export function sweepTable(results: ScenarioResult[]): string {
  const withSweep = results.filter((r) => r.sweep.length > 0);
  if (withSweep.length === 0) return '';
  const labels = (withSweep[0] as ScenarioResult).sweep.map((v) => v.label);
  const cell = (v: VariantResult | undefined): string => (v ? `${ms(v.ms.median)} (${v.ratio.toFixed(2)})` : 'n/a');
  return table(
    ['options', ...withSweep.map((r) => `${r.name} ms (ratio)`)],
    labels.map((label) => [label, ...withSweep.map((r) => cell(r.sweep.find((v) => v.label === label)))]),
  );
}
