/**
 * The C reference (bench/reference.c): built once per source version into .cache/bin, run
 * as its own process against a target so its timing includes nothing of Node's.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../test/helpers/target.js';

const run = promisify(execFile);

export interface ReferenceResult {
  ns: number;
  pages: number;
  calls: number;
  checksum: string;
  /** status -> pages */
  histogram: Record<string, number>;
  /** [start, end] of each mapping it queried, hex. */
  vmas: [string, string][];
}

export function buildReference(): string {
  const source = join(repoRoot, 'bench', 'reference.c');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
  const dir = join(repoRoot, '.cache', 'bin');
  const binary = join(dir, `reference-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    // A temporary name and a rename, so an interrupted build never leaves a broken binary.
    const partial = `${binary}.${process.pid}.tmp`;
    execFileSync('cc', ['-O2', '-Wall', '-o', partial, source], { stdio: 'inherit' });
    renameSync(partial, binary);
  }
  return binary;
}

function isResult(value: unknown): value is ReferenceResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.ns === 'number' && typeof v.pages === 'number' && typeof v.checksum === 'string' && typeof v.histogram === 'object' && Array.isArray(v.vmas);
}

export async function runReference(binary: string, pid: number, options: { dump?: string; batch?: number } = {}): Promise<ReferenceResult> {
  const args = [String(pid)];
  if (options.batch !== undefined) args.push('--batch', String(options.batch));
  if (options.dump !== undefined) args.push('--dump', options.dump);
  const { stdout } = await run(binary, args, { maxBuffer: 64 << 20 });
  const parsed: unknown = JSON.parse(stdout);
  if (!isResult(parsed)) throw new Error(`reference printed something unexpected: ${stdout.slice(0, 200)}`);
  return parsed;
}
