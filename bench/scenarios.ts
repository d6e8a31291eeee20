/**
 * One comparison scenario: a target shaped a certain way, the C reference and numascope's
 * scanProcess timed in alternating order against it, numascope's answer checked page by
 * page, and optionally a sweep of sampler options.
 */
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Placement } from '../app/common/types.js';
import { PagemapReadSource, PagemapScanSource } from '../app/main/sampler/presence.js';
import { scanProcess, type ScanOptions, type ScanStats } from '../app/main/sampler/scan.js';
import { runReference } from './reference.js';
import { summarize, type Summary } from './stats.js';
import { thpState, withTarget, type ThpState } from './targets.js';
import { bytesPerPage, compareWithDump, comparePlacements, placementChecksum, type Verdict } from './verify.js';

export interface ScenarioSpec {
  name: string;
  /** Arguments for test/fixtures/target.c. */
  args: string[];
  /** The ratio numascope / reference must not exceed. */
  maxRatio: number;
  /** Needs transparent huge pages to mean anything. */
  needsThp?: boolean;
}

export interface Variant {
  label: string;
  options: ScanOptions;
}

export interface VariantResult {
  label: string;
  options: ScanOptions;
  ms: Summary;
  /** Median over median of the reference runs of the same rounds. */
  ratio: number;
}

export interface ScenarioResult {
  name: string;
  args: string[];
  maxRatio: number;
  totalPages: number;
  referenceMs: Summary;
  numascopeMs: Summary;
  ratio: number;
  /** Ratio of the fastest runs: what the code can do when the machine is quiet. */
  ratioMin: number;
  /**
   * Median of the per-round ratios: each round's two runs are seconds apart, so when other
   * work on the machine comes and goes this is steadier than the ratio of the medians.
   */
  ratioPaired: number;
  stats: ScanStats;
  /** Every timed numascope run gave the reference's checksum of that round's pages. */
  checksumsAgree: boolean;
  verifyDefault: Verdict;
  verifyNaive: Verdict;
  defaultEqualsNaive: Verdict;
  bytesPerPage: number;
  /** The presence lookups of the scan's strategy over every region and nothing else, median ms. */
  presenceOnlyMs: number | null;
  thp: ThpState | null;
  /** THP was wanted but the target got none: the ratio says nothing about huge pages. */
  thpMissing: boolean;
  sweep: VariantResult[];
  referenceHistogram: Record<string, number>;
  pass: boolean;
}

export interface RunSettings {
  rounds: number;
  sweepRounds: number;
  variants: Variant[];
  referenceBinary: string;
  log: (line: string) => void;
}

async function timedScan(pid: number, options: ScanOptions): Promise<{ ms: number; placement: Placement; stats: ScanStats }> {
  const started = performance.now();
  const { placement, stats } = await scanProcess(pid, options);
  return { ms: performance.now() - started, placement, stats };
}

/**
 * The cost of the presence lookups alone, with the source the scan used (PAGEMAP_SCAN, or
 * reading pagemap on older kernels), to tell them apart from the queries in a scan. Null when
 * the scan used no presence source (strategy 'full').
 */
function presenceOnly(pid: number, placement: Placement, strategy: ScanStats['strategy'], runs: number): number | null {
  if (strategy !== 'pagemap-scan' && strategy !== 'pagemap-read') return null;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const fd = openSync(`/proc/${pid}/pagemap`, 'r');
    try {
      const source = strategy === 'pagemap-scan' ? new PagemapScanSource(fd, placement.pageSize) : new PagemapReadSource(fd);
      let ranges = 0;
      const started = performance.now();
      for (const region of placement.regions) {
        if (region.vma.kind === 'vsyscall') continue;
        const firstPage = Number(region.vma.start / BigInt(placement.pageSize));
        source.ranges(firstPage, firstPage + region.status.length, () => void ranges++);
      }
      times.push(performance.now() - started);
    } finally {
      closeSync(fd);
    }
  }
  return summarize(times).median;
}

async function sweep(pid: number, settings: RunSettings): Promise<VariantResult[]> {
  const { variants, sweepRounds, referenceBinary, log } = settings;
  const times = variants.map((): number[] => []);
  const referenceTimes: number[] = [];
  for (let round = 0; round < sweepRounds; round++) {
    referenceTimes.push((await runReference(referenceBinary, pid)).ns / 1e6);
    // Rotating the order keeps any drift of the machine from favouring one variant.
    for (let k = 0; k < variants.length; k++) {
      const index = (k + round) % variants.length;
      const variant = variants[index] as Variant;
      const { ms } = await timedScan(pid, variant.options);
      (times[index] as number[]).push(ms);
    }
    log(`    sweep round ${round + 1}/${sweepRounds} done`);
  }
  const reference = summarize(referenceTimes).median;
  return variants.map((variant, i) => {
    const ms = summarize(times[i] as number[]);
    return { label: variant.label, options: variant.options, ms, ratio: ms.median / reference };
  });
}

export async function runScenario(spec: ScenarioSpec, settings: RunSettings): Promise<ScenarioResult> {
  const { log, referenceBinary, rounds } = settings;
  log(`${spec.name}: starting target ${spec.args.join(' ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'numascope-bench-'));
  try {
    return await withTarget(spec.args, async (target) => {
      const pid = target.pid;
      const thp = spec.needsThp ? await thpState(pid) : null;
      const thpMissing = spec.needsThp === true && (thp === null || thp.anonHugeBytes === 0);
      if (thp) log(`  THP mode ${thp.mode}, AnonHugePages ${(thp.anonHugeBytes / 2 ** 20).toFixed(0)} MiB`);

      log('  warming up');
      await runReference(referenceBinary, pid);
      await scanProcess(pid);
      await scanProcess(pid, { skipNotPresent: false });

      log('  verifying page by page');
      const dump = join(dir, 'statuses.bin');
      const referenceDump = await runReference(referenceBinary, pid, { dump });
      const fast = await scanProcess(pid);
      const verifyDefault = await compareWithDump(fast.placement, referenceDump, dump);
      const naive = await scanProcess(pid, { skipNotPresent: false });
      const verifyNaive = await compareWithDump(naive.placement, referenceDump, dump);
      const defaultEqualsNaive = comparePlacements(fast.placement, naive.placement);
      const perPage = bytesPerPage(fast.placement);
      const presenceOnlyMs = presenceOnly(pid, fast.placement, fast.stats.strategy, 3);
      await rm(dump, { force: true });

      log(`  timing ${rounds} rounds`);
      const referenceTimes: number[] = [];
      const ourTimes: number[] = [];
      let checksumsAgree = true;
      let stats = fast.stats;
      for (let round = 0; round < rounds; round++) {
        // Alternate who goes first, so neither always runs on a cache the other warmed.
        const referenceFirst = round % 2 === 0;
        let referenceChecksum = '';
        let ourChecksum = '';
        for (const who of referenceFirst ? ['reference', 'numascope'] : ['numascope', 'reference']) {
          if (who === 'reference') {
            const result = await runReference(referenceBinary, pid);
            referenceTimes.push(result.ns / 1e6);
            referenceChecksum = result.checksum;
          } else {
            const result = await timedScan(pid, {});
            ourTimes.push(result.ms);
            stats = result.stats;
            ourChecksum = placementChecksum(result.placement);
          }
        }
        if (referenceChecksum !== ourChecksum) checksumsAgree = false;
        log(`    round ${round + 1}: reference ${referenceTimes.at(-1)?.toFixed(1)} ms, numascope ${ourTimes.at(-1)?.toFixed(1)} ms`);
      }
      const referenceMs = summarize(referenceTimes);
      const numascopeMs = summarize(ourTimes);
      const ratio = numascopeMs.median / referenceMs.median;
      const ratioMin = numascopeMs.min / referenceMs.min;
      const ratioPaired = summarize(ourTimes.map((t, i) => t / (referenceTimes[i] as number))).median;

      let sweepResults: VariantResult[] = [];
      if (settings.sweepRounds > 0 && settings.variants.length > 0) {
        log(`  sweeping ${settings.variants.length} sampler option sets, ${settings.sweepRounds} rounds`);
        sweepResults = await sweep(pid, settings);
      }

      const verified = verifyDefault.ok && verifyNaive.ok && defaultEqualsNaive.ok && checksumsAgree;
      return {
        name: spec.name,
        args: spec.args,
        maxRatio: spec.maxRatio,
        totalPages: referenceDump.pages,
        referenceMs,
        numascopeMs,
        ratio,
        ratioMin,
        ratioPaired,
        stats,
        checksumsAgree,
        verifyDefault,
        verifyNaive,
        defaultEqualsNaive,
        bytesPerPage: perPage,
        presenceOnlyMs,
        thp,
        thpMissing,
        sweep: sweepResults,
        referenceHistogram: referenceDump.histogram,
        pass: verified && !thpMissing && ratio <= spec.maxRatio,
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
