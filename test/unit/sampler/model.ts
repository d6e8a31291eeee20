/**
 * A simulated process and kernel for the scan engine's tests: regions of pages that are
 * present (on a node), swapped or absent, PMD-mapped huge blocks, and the answers move_pages
 * would give, with either the >= 6.12 or the older semantics for absent pages.
 */
import { BLOCK_PAGES, StatusStore } from '../../../app/common/status-store.js';
import type { EngineRegion, PresenceSource, QueryKernel, RangeVisitor } from '../../../app/main/sampler/engine.js';

export const PAGE_SIZE = 4096;
export const ENOENT = -2;
export const EFAULT = -14;

export interface ModelRegion {
  firstPage: number;
  pages: number;
  /** The kernel's answer for an absent page of this region (ENOENT, or EFAULT for old anonymous). */
  absent: number;
  /** Per page: node id (>= 0) for present pages, -1 absent, -2 swapped (answered ENOENT). */
  state: Int16Array;
  /** Per page: inside a PMD-mapped huge page (all its pages present on one node). */
  huge: Uint8Array;
  queryAll?: boolean;
}

/** A deterministic pseudo-random generator (xorshift32), so failures can be replayed. */
export function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

export interface RegionSpec {
  pages: number;
  /** Share of present pages outside huge blocks. */
  density: number;
  /** Share of aligned blocks that are huge pages. */
  hugeShare?: number;
  absent?: number;
  nodes?: number;
  swappedShare?: number;
  /** Gap in pages before the region (so regions are not all adjacent). */
  gap?: number;
  queryAll?: boolean;
}

export function buildModel(specs: RegionSpec[], hugePages: number, seed: number, firstPage = 0x7f0000000): ModelRegion[] {
  const next = random(seed);
  let page = firstPage;
  return specs.map((spec) => {
    page += spec.gap ?? 0;
    const nodes = spec.nodes ?? 2;
    const state = new Int16Array(spec.pages);
    const huge = new Uint8Array(spec.pages);
    for (let i = 0; i < spec.pages; i++) {
      const roll = next();
      if (roll < spec.density) state[i] = Math.floor(next() * nodes);
      else if (roll < spec.density + (spec.swappedShare ?? 0)) state[i] = -2;
      else state[i] = -1;
    }
    // Huge blocks are aligned in absolute page numbers, and only whole blocks inside the region.
    const firstBlock = Math.ceil(page / hugePages);
    const endBlock = Math.floor((page + spec.pages) / hugePages);
    for (let block = firstBlock; block < endBlock; block++) {
      if (next() >= (spec.hugeShare ?? 0)) continue;
      const node = Math.floor(next() * nodes);
      const from = block * hugePages - page;
      state.fill(node, from, from + hugePages);
      huge.fill(1, from, from + hugePages);
    }
    const region: ModelRegion = { firstPage: page, pages: spec.pages, absent: spec.absent ?? ENOENT, state, huge, queryAll: spec.queryAll ?? false };
    page += spec.pages;
    return region;
  });
}

/** The answer move_pages gives for one page. */
export function answer(model: readonly ModelRegion[], page: number): number {
  for (const region of model) {
    if (page < region.firstPage || page >= region.firstPage + region.pages) continue;
    const state = region.state[page - region.firstPage] as number;
    if (state >= 0) return state;
    return state === -2 ? ENOENT : region.absent;
  }
  return EFAULT;
}

/** Every page's answer, region by region: what a full per-page query gives. */
export function truth(model: readonly ModelRegion[]): Int16Array[] {
  return model.map((region) => Int16Array.from({ length: region.pages }, (_, i) => answer(model, region.firstPage + i)));
}

export class FakeKernel implements QueryKernel {
  calls = 0;
  addresses = 0;
  /** How many times each page number was asked about. */
  readonly asked = new Map<number, number>();
  pending = 0;
  maxPending = 0;
  failAsync: Error | null = null;
  /** Answers given by the kernel instead of the model (a page that changed after the source looked). */
  readonly overrides = new Map<number, number>();

  constructor(
    private readonly model: readonly ModelRegion[],
    withAsync: boolean,
  ) {
    if (!withAsync) this.queryAsync = undefined;
  }

  query(pages: BigUint64Array, count: number, status: Int32Array): void {
    this.calls++;
    for (let i = 0; i < count; i++) {
      const page = Number((pages[i] as bigint) / BigInt(PAGE_SIZE));
      this.addresses++;
      this.asked.set(page, (this.asked.get(page) ?? 0) + 1);
      status[i] = this.overrides.get(page) ?? answer(this.model, page);
    }
  }

  queryAsync?: (pages: BigUint64Array, count: number, status: Int32Array) => Promise<void> = async (pages, count, status) => {
    this.pending++;
    this.maxPending = Math.max(this.maxPending, this.pending);
    // Answer on a later turn of the event loop, as a call on another thread would.
    await new Promise((resolve) => setImmediate(resolve));
    this.pending--;
    if (this.failAsync) throw this.failAsync;
    this.query(pages, count, status);
  };
}

export interface SourceQuirks {
  /** Report no huge ranges (like reading pagemap). */
  noHuge?: boolean;
  /** Split runs into pieces of at most this many pages (adjacent ranges). */
  splitAt?: number;
  /** Report every range a second time (as PAGEMAP_SCAN does after a stale walk_end). */
  repeat?: boolean;
}

/** Presence as PAGEMAP_SCAN or pagemap would report it, from the model (or a stale copy of it). */
export class FakeSource implements PresenceSource {
  readonly strategy;
  lookups = 0;

  constructor(
    private readonly model: readonly ModelRegion[],
    private readonly quirks: SourceQuirks = {},
  ) {
    this.strategy = quirks.noHuge ? ('pagemap-read' as const) : ('pagemap-scan' as const);
  }

  ranges(firstPage: number, endPage: number, visit: RangeVisitor): void {
    this.lookups++;
    const emit = (start: number, end: number, huge: boolean): void => {
      const split = this.quirks.splitAt ?? Infinity;
      for (let from = start; from < end; from += split) {
        const to = Math.min(end, from + split);
        visit(from - firstPage, to - firstPage, huge);
        if (this.quirks.repeat) visit(from - firstPage, to - firstPage, huge);
      }
    };
    let runStart = -1;
    let runHuge = false;
    for (let page = firstPage; page <= endPage; page++) {
      const there = page < endPage && this.isThere(page);
      const huge = there && !this.quirks.noHuge && this.isHuge(page);
      if (runStart >= 0 && (!there || huge !== runHuge)) {
        emit(runStart, page, runHuge);
        runStart = -1;
      }
      if (there && runStart < 0) {
        runStart = page;
        runHuge = huge;
      }
    }
  }

  private regionOf(page: number): ModelRegion | undefined {
    return this.model.find((r) => page >= r.firstPage && page < r.firstPage + r.pages);
  }

  private isThere(page: number): boolean {
    const region = this.regionOf(page);
    return region !== undefined && (region.state[page - region.firstPage] as number) !== -1;
  }

  private isHuge(page: number): boolean {
    const region = this.regionOf(page);
    return region !== undefined && region.huge[page - region.firstPage] === 1;
  }
}

export function engineRegions(model: readonly ModelRegion[], init?: (region: ModelRegion) => Int16Array): EngineRegion[] {
  return model.map((region) => ({
    firstPage: region.firstPage,
    pages: region.pages,
    queryAll: region.queryAll ?? false,
    tracked: init !== undefined,
    status: init ? StatusStore.of(init(region), region.firstPage % BLOCK_PAGES) : new StatusStore(region.pages, { phase: region.firstPage % BLOCK_PAGES }),
  }));
}
