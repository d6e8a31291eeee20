/**
 * The C reference (bench/reference.c): built once per source version into .cache/bin, run
 * as its own process against a target so its timing includes nothing of Node's.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compileC, repoRoot } from '../test/helpers/target.js';

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
  return compileC(join(repoRoot, 'bench', 'reference.c'), 'reference');
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
