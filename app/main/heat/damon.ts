/**
 * Access heat from DAMON's virtual-address monitor, through its sysfs interface
 * (/sys/kernel/mm/damon/admin; Linux >= 6.2 for the tried-regions snapshots read here).
 *
 * One kdamond monitors the process; a "stat" scheme that matches every region makes DAMON keep
 * a snapshot of its regions (start, end, nr_accesses, age) that `update_schemes_tried_regions`
 * refreshes. DAMON's aggregation interval is our interval; a snapshot holds the regions of
 * the scheme's last pass, at the end of an aggregation interval, so a region's nr_accesses over
 * the most it can reach (aggregation / sampling interval) is the share of checks that found it
 * accessed: its heat for that interval. (The command blocks until the scheme's next pass, up
 * to an aggregation interval, so a measurement samples some of DAMON's intervals, not all.)
 *
 * Cleaning up: the kdamond is stopped and removed on close, on exit of this process (an
 * 'exit' hook), and DAMON stops it by itself when the target exits. Only SIGKILL leaves one
 * behind; the ownership record (/run/numascope/damon.json: our pid and start time) lets the
 * next start recognise it as ours and remove it. kdamonds that are not ours are never touched.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HEAT_LABELS, type HeatMeasurement, type HeatRange } from '../../common/heat.js';
import { errnoCode } from '../proc/errors.js';
import { readStat } from '../proc/identity.js';
import { settledHeat, type DamonSample } from './damon-heat.js';
import { HeatUnavailableError } from './errors.js';
import type { HeatOptions, HeatSession } from './session.js';
import type { PageRun } from './soft-dirty.js';

export const DAMON_ADMIN = '/sys/kernel/mm/damon/admin';
export const OWNERSHIP_RECORD = '/run/numascope/damon.json';
/**
 * Access checks per aggregation interval (one sampling interval of ours): DAMON's default is
 * 20 (5 ms in 100 ms). Fixing the count, not the period, keeps the kdamond's cost per second
 * low for long intervals, and heat's resolution (1/20) the same at every interval.
 */
const CHECKS_PER_INTERVAL = 20;
/** Regions DAMON may split the address space into: its cost and our reading grow with them. */
const MIN_REGIONS = 10;
const MAX_REGIONS = 200;
const ULONG_MAX = '18446744073709551615';
const UINT_MAX = '4294967295';

interface Ownership {
  ownerPid: number;
  ownerStart: number;
  targetPid: number;
  startedAt: string;
}

export interface DamonPaths {
  admin: string;
  record: string;
}

const DEFAULT_PATHS: DamonPaths = { admin: DAMON_ADMIN, record: OWNERSHIP_RECORD };

/**
 * DAMON's sysfs files take one global lock with a try-lock and answer EBUSY while another
 * reader, writer or the kdamond's own request handling holds it: a moment's contention, not a
 * refusal. Every access retries it for a while (synchronously, because the exit hook cleans up
 * with no event loop left).
 */
const BUSY_RETRY_MS = 2000;
const BUSY_PAUSE_MS = 5;
const pause = new Int32Array(new SharedArrayBuffer(4));

export function retryWhileBusy<T>(access: () => T): T {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (;;) {
    try {
      return access();
    } catch (error) {
      if (errnoCode(error) !== 'EBUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, BUSY_PAUSE_MS);
    }
  }
}

function write(path: string, value: string): void {
  try {
    retryWhileBusy(() => writeFileSync(path, value));
  } catch (error) {
    throw new HeatUnavailableError(`DAMON: writing "${value}" to ${path} failed (${errnoCode(error) ?? 'error'})`);
  }
}

/** Reads one DAMON sysfs file, trimmed, riding out EBUSY. */
export function readDamonFile(path: string): string {
  return retryWhileBusy(() => readFileSync(path, 'utf8')).trim();
}
const read = readDamonFile;

async function ownStart(): Promise<number> {
  return (await readStat(process.pid)).startTime;
}

async function alive(pid: number, start: number): Promise<boolean> {
  try {
    return (await readStat(pid)).startTime === start;
  } catch {
    return false;
  }
}

/**
 * Removes a kdamond a killed numascope left behind (its record names a process that is gone).
 * Returns true when it cleaned up; kdamonds of live numascope processes or other tools stay.
 */
export async function removeLeftover(paths: DamonPaths = DEFAULT_PATHS): Promise<boolean> {
  if (!existsSync(paths.record)) return false;
  let record: Ownership;
  try {
    record = JSON.parse(readFileSync(paths.record, 'utf8')) as Ownership;
  } catch {
    rmSync(paths.record, { force: true });
    return false;
  }
  if (await alive(record.ownerPid, record.ownerStart)) return false;
  const kdamonds = join(paths.admin, 'kdamonds');
  if (existsSync(join(kdamonds, '0', 'state')) && read(join(kdamonds, '0', 'state')) === 'on') write(join(kdamonds, '0', 'state'), 'off');
  if (existsSync(join(kdamonds, 'nr_kdamonds'))) write(join(kdamonds, 'nr_kdamonds'), '0');
  rmSync(paths.record, { force: true });
  return true;
}

export async function startDamon(options: HeatOptions, paths: DamonPaths = DEFAULT_PATHS): Promise<HeatSession> {
  const kdamonds = join(paths.admin, 'kdamonds');
  if (!existsSync(kdamonds)) throw new HeatUnavailableError('DAMON: this kernel has no DAMON sysfs interface (CONFIG_DAMON_SYSFS)');
  if (process.getuid?.() !== 0) throw new HeatUnavailableError('DAMON: needs root');
  await removeLeftover(paths);
  const existing = Number(read(join(kdamonds, 'nr_kdamonds')));
  // A context of another tool's kdamond already says which operations this kernel has.
  const avail = join(kdamonds, '0', 'contexts', '0', 'avail_operations');
  if (existing > 0 && existsSync(avail)) checkVaddr(read(avail));
  if (existing > 0) throw new HeatUnavailableError(`DAMON: ${existing} kdamond(s) not started by numascope exist; numascope leaves them alone`);
  write(join(kdamonds, 'nr_kdamonds'), '1');
  const session = new DamonSession(options, join(kdamonds, '0'), paths);
  try {
    await session.configure();
  } catch (error) {
    session.closeSync();
    throw error;
  }
  return session;
}

function checkVaddr(availOperations: string): void {
  const available = availOperations.split(/\s+/).filter(Boolean);
  if (!available.includes('vaddr')) throw new HeatUnavailableError(`DAMON: this kernel monitors ${available.join(', ') || 'nothing'} but not virtual addresses (CONFIG_DAMON_VADDR)`);
}

export interface DamonRegion {
  start: number;
  end: number;
  nrAccesses: number;
  age: number;
}

/** The regions of a scheme's tried_regions directory, in the kernel's (address) order. */
export function readTriedRegions(dir: string): DamonRegion[] {
  const names = readdirSync(dir).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(a) - Number(b));
  return names.map((name) => ({
    start: Number(read(join(dir, name, 'start'))),
    end: Number(read(join(dir, name, 'end'))),
    nrAccesses: Number(read(join(dir, name, 'nr_accesses'))),
    age: Number(read(join(dir, name, 'age'))),
  }));
}

/** Snapshots asked for in a row before an interval is left out (see takeSnapshot). */
const SNAPSHOT_ATTEMPTS = 3;

/**
 * Asks for a snapshot until one has regions. Up to Linux 6.13 the kernel ends an
 * `update_schemes_tried_regions` that the scheme has not answered within two of its apply
 * intervals (wall-clock time, in jiffies) with no regions at all; the scheme passes once an
 * aggregation interval, counted in sampling intervals, so where a sampling interval takes
 * longer than asked (a busy or emulated machine) the command can time out first. No regions
 * means "no answer", not "nothing was accessed": a target always has some. Returns null when
 * every attempt came back empty.
 */
export function takeSnapshot(update: () => void, readRegions: () => DamonRegion[], attempts = SNAPSHOT_ATTEMPTS): DamonRegion[] | null {
  for (let attempt = 0; attempt < attempts; attempt++) {
    update();
    const regions = readRegions();
    if (regions.length > 0) return regions;
  }
  return null;
}

/**
 * DAMON's regions (address-ordered) with the heat of their pages (address-ordered, stretches
 * without heat left out), cut where that heat changes: a region is not averaged as a whole,
 * its pages may have had different histories in DAMON's earlier regions. Every piece keeps its
 * region's age.
 */
export function regionHeat(regions: readonly DamonRegion[], heat: readonly HeatRange[]): HeatRange[] {
  const out: HeatRange[] = [];
  const push = (start: bigint, end: bigint, value: number, age: number, first: boolean): void => {
    const last = out[out.length - 1];
    if (!first && last && last.end === start && last.heat === value) last.end = end;
    else out.push({ start, end, heat: value, age });
  };
  let h = 0;
  for (const region of regions) {
    const start = BigInt(region.start);
    const end = BigInt(region.end);
    while (h < heat.length && (heat[h] as HeatRange).end <= start) h++;
    let at = start;
    for (let i = h; i < heat.length && (heat[i] as HeatRange).start < end; i++) {
      const part = heat[i] as HeatRange;
      const from = part.start > start ? part.start : start;
      const to = part.end < end ? part.end : end;
      if (from > at) push(at, from, 0, region.age, at === start);
      push(from, to, part.heat, region.age, from === start);
      at = to;
    }
    if (at < end) push(at, end, 0, region.age, at === start);
  }
  return out;
}

class DamonSession implements HeatSession {
  readonly source = 'damon' as const;
  private readonly samples: DamonSample[] = [];
  private readonly startedAt = Date.now();
  private endedAt = this.startedAt;
  private last: DamonRegion[] = [];
  private closed = false;
  private readonly onExit = (): void => this.closeSync();
  private readonly maxAccesses: number;
  private readonly sampleUs: number;

  constructor(
    private readonly options: HeatOptions,
    private readonly dir: string,
    private readonly paths: DamonPaths,
  ) {
    this.sampleUs = Math.max(1000, Math.round((options.intervalMs * 1000) / CHECKS_PER_INTERVAL));
    this.maxAccesses = Math.max(1, Math.round((options.intervalMs * 1000) / this.sampleUs));
  }

  async configure(): Promise<void> {
    const context = join(this.dir, 'contexts', '0');
    write(join(this.dir, 'contexts', 'nr_contexts'), '1');
    if (existsSync(join(context, 'avail_operations'))) checkVaddr(read(join(context, 'avail_operations')));
    write(join(context, 'operations'), 'vaddr');
    const attrs = join(context, 'monitoring_attrs');
    write(join(attrs, 'intervals', 'sample_us'), String(this.sampleUs));
    write(join(attrs, 'intervals', 'aggr_us'), String(this.options.intervalMs * 1000));
    write(join(attrs, 'intervals', 'update_us'), String(Math.max(this.options.intervalMs * 1000, 1_000_000)));
    write(join(attrs, 'nr_regions', 'min'), String(MIN_REGIONS));
    write(join(attrs, 'nr_regions', 'max'), String(MAX_REGIONS));
    write(join(context, 'targets', 'nr_targets'), '1');
    write(join(context, 'targets', '0', 'pid_target'), String(this.options.pid));
    write(join(context, 'schemes', 'nr_schemes'), '1');
    const scheme = join(context, 'schemes', '0');
    write(join(scheme, 'action'), 'stat');
    const pattern = join(scheme, 'access_pattern');
    for (const [name, max] of [['sz', ULONG_MAX], ['nr_accesses', UINT_MAX], ['age', UINT_MAX]] as const) {
      write(join(pattern, name, 'min'), '0');
      write(join(pattern, name, 'max'), max);
    }
    mkdirSync(dirname(this.paths.record), { recursive: true });
    const record: Ownership = { ownerPid: process.pid, ownerStart: await ownStart(), targetPid: this.options.pid, startedAt: new Date().toISOString() };
    writeFileSync(this.paths.record, `${JSON.stringify(record)}\n`);
    process.on('exit', this.onExit);
    write(join(this.dir, 'state'), 'on');
  }

  async sample(): Promise<void> {
    const stopped = new HeatUnavailableError(`DAMON stopped monitoring process ${this.options.pid} (it exited)`);
    const update = (): void => {
      if (read(join(this.dir, 'state')) !== 'on') throw stopped;
      try {
        write(join(this.dir, 'state'), 'update_schemes_tried_regions');
      } catch (error) {
        // The kdamond ends by itself when its target exits, possibly between the two lines above.
        if (read(join(this.dir, 'state')) !== 'on') throw stopped;
        throw error;
      }
    };
    const regions = takeSnapshot(update, () => readTriedRegions(join(this.dir, 'contexts', '0', 'schemes', '0', 'tried_regions')));
    // Left out rather than counted as an interval in which nothing was accessed.
    if (regions === null) return;
    const pageSize = this.options.pageSize;
    const runs: PageRun[] = regions.map((region) => [Math.floor(region.start / pageSize), Math.ceil(region.end / pageSize)]);
    this.samples.push({ runs, weights: regions.map((region) => Math.min(1, region.nrAccesses / this.maxAccesses)) });
    this.last = regions;
    this.endedAt = Date.now();
  }

  result(): HeatMeasurement {
    return {
      source: this.source,
      label: HEAT_LABELS[this.source],
      resolution: `DAMON regions (${MIN_REGIONS}-${MAX_REGIONS}, ${this.sampleUs / 1000} ms sampling)`,
      samples: this.samples.length,
      intervalMs: this.options.intervalMs,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      ranges: this.ranges(),
    };
  }

  /** The last snapshot's regions, cut where their pages' settled heat changes. */
  private ranges(): HeatRange[] {
    return regionHeat(this.last, settledHeat(this.samples, this.options.pageSize));
  }

  async close(): Promise<void> {
    this.closeSync();
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    process.off('exit', this.onExit);
    try {
      if (existsSync(join(this.dir, 'state')) && read(join(this.dir, 'state')) === 'on') retryWhileBusy(() => writeFileSync(join(this.dir, 'state'), 'off'));
      retryWhileBusy(() => writeFileSync(join(this.paths.admin, 'kdamonds', 'nr_kdamonds'), '0'));
    } finally {
      rmSync(this.paths.record, { force: true });
    }
  }
}
