/**
 * Builds (once, cached by source hash) and runs test/fixtures/target.c, the process whose
 * memory the tests inspect and move.
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether this runs from test/ or dist/test/. */
export const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

/**
 * Compiles a C program once into .cache/bin/NAME-HASH (the hash of its text, the local
 * headers it includes, and flags), so tests and benchmarks share builds. A temporary name and
 * a rename: an interrupted build never leaves a broken binary.
 */
export function compileC(source: string, name: string, extraFlags: string[] = []): string {
  const hasher = createHash('sha256');
  for (const file of [source, ...localIncludes(source)]) hasher.update(readFileSync(file));
  const hash = hasher.update(extraFlags.join(' ')).digest('hex').slice(0, 16);
  const dir = join(repoRoot, '.cache', 'bin');
  const binary = join(dir, `${name}-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}.tmp`;
    execFileSync('cc', ['-O2', '-Wall', '-o', partial, source, ...extraFlags], { stdio: 'inherit' });
    renameSync(partial, binary);
  }
  return binary;
}

/** The files a C source includes with quotes (`#include "x.h"`), so a header's edit rebuilds it. */
export function localIncludes(source: string): string[] {
  const text = readFileSync(source, 'utf8');
  return [...text.matchAll(/^#include "([^"]+)"/gm)].map((match) => resolve(dirname(source), match[1] as string));
}

/** A program of test/fixtures/, compiled (see compileC). */
export function buildC(name: string, extraFlags: string[] = []): string {
  return compileC(join(repoRoot, 'test', 'fixtures', `${name}.c`), name, extraFlags);
}

export interface TargetRegion {
  kind: 'anon' | 'untouched' | 'sparse' | 'shared' | 'thp' | 'file' | 'gap';
  start: bigint;
  end: bigint;
  stride: number;
}

export interface TargetInfo {
  pid: number;
  child: number;
  pageSize: number;
  regions: TargetRegion[];
}

interface RawInfo {
  pid: number;
  child: number;
  pageSize: number;
  regions: { kind: TargetRegion['kind']; start: string; end: string; stride: number }[];
}

export class Target {
  readonly info: TargetInfo;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];

  private constructor(proc: ChildProcessWithoutNullStreams, lines: Interface, info: TargetInfo) {
    this.proc = proc;
    this.lines = lines;
    this.info = info;
    lines.on('line', (line) => this.pending.shift()?.(line));
  }

  get pid(): number {
    return this.info.pid;
  }

  region(index: number): TargetRegion {
    const region = this.info.regions[index];
    if (!region) throw new Error(`target has no region ${index}`);
    return region;
  }

  /**
   * Starts the target. `prefix` runs it under another command (e.g. ['numactl', '--membind=0']).
   */
  static async start(args: string[], options: { prefix?: string[] } = {}): Promise<Target> {
    const binary = buildC('target');
    const command = options.prefix ? [...options.prefix, binary] : [binary];
    const [file, ...rest] = command;
    const proc = spawn(file as string, [...rest, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: proc.stdout });
    const first = await new Promise<string>((resolveLine, reject) => {
      lines.once('line', resolveLine);
      proc.once('exit', (code) => reject(new Error(`target exited with ${code}: ${stderr.trim()}`)));
      proc.once('error', reject);
    });
    const raw = JSON.parse(first) as RawInfo;
    const info: TargetInfo = {
      pid: raw.pid,
      child: raw.child,
      pageSize: raw.pageSize,
      regions: raw.regions.map((r) => ({ kind: r.kind, start: BigInt(r.start), end: BigInt(r.end), stride: r.stride })),
    };
    return new Target(proc, lines, info);
  }

  private command(text: string): Promise<string> {
    return new Promise((resolveLine) => {
      this.pending.push(resolveLine);
      this.proc.stdin.write(`${text}\n`);
    });
  }

  async checksum(index: number): Promise<string> {
    const reply = await this.command(`checksum ${index}`);
    const match = /^checksum \d+ ([0-9a-f]+)$/.exec(reply);
    if (!match?.[1]) throw new Error(`unexpected reply ${reply}`);
    return match[1];
  }

  async fill(index: number, seed: number): Promise<void> {
    const reply = await this.command(`fill ${index} ${seed}`);
    if (reply !== 'ok') throw new Error(`unexpected reply ${reply}`);
  }

  /** Maps and touches a new private anonymous region; returns its index. */
  async map(size: string): Promise<TargetRegion & { index: number }> {
    const reply = await this.command(`map ${size}`);
    const match = /^mapped (\d+) 0x([0-9a-f]+) 0x([0-9a-f]+)$/.exec(reply);
    if (!match) throw new Error(`unexpected reply ${reply}`);
    const region: TargetRegion = { kind: 'anon', start: BigInt(`0x${match[2]}`), end: BigInt(`0x${match[3]}`), stride: 1 };
    this.info.regions.push(region);
    return { ...region, index: Number(match[1]) };
  }

  /** munmap of region `index`. */
  async unmap(index: number): Promise<void> {
    const reply = await this.command(`unmap ${index}`);
    if (reply !== 'ok') throw new Error(`unexpected reply ${reply}`);
  }

  /** madvise(MADV_DONTNEED) over region `index`: its pages are dropped, the mapping stays. */
  async dontneed(index: number): Promise<void> {
    const reply = await this.command(`dontneed ${index}`);
    if (reply !== 'ok') throw new Error(`unexpected reply ${reply}`);
  }

  /** Maps `size`, faults every page in and unmaps it, again and again for `ms`; returns the cycles done. */
  async churn(ms: number, size: string): Promise<number> {
    const reply = await this.command(`churn ${ms} ${size}`);
    const match = /^churned (\d+)$/.exec(reply);
    if (!match) throw new Error(`unexpected reply ${reply}`);
    return Number(match[1]);
  }

  /** Writes a word in every page of region `index`, again and again for `ms`; returns the pages written. */
  async work(ms: number, index: number): Promise<number> {
    const reply = await this.command(`work ${ms} ${index}`);
    const match = /^worked (\d+)$/.exec(reply);
    if (!match) throw new Error(`unexpected reply ${reply}`);
    return Number(match[1]);
  }

  /** Maps and touches a new anonymous region of `size` ("4M"): the process grows. */
  async grow(size: string): Promise<{ start: bigint; end: bigint }> {
    const reply = await this.command(`grow ${size}`);
    const match = /^grown (0x[0-9a-f]+) (0x[0-9a-f]+)$/.exec(reply);
    if (!match) throw new Error(`unexpected reply ${reply}`);
    return { start: BigInt(match[1] as string), end: BigInt(match[2] as string) };
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => this.proc.once('exit', () => resolveExit()));
    this.proc.stdin.end('exit\n');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.lines.close();
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }
}
