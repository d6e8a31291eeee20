/**
 * `numastat -p PID` (Debian's numactl package), read back: per node, the MiB it prints in
 * its "Total" and "Huge" rows, and the same rounding of our byte counts to compare with.
 */
import { execFileSync } from 'node:child_process';

export interface NumastatRows {
  /** Node id -> the printed MiB text ("10.59"), per row. */
  total: Map<number, string>;
  huge: Map<number, string>;
}

export function parseNumastat(text: string): NumastatRows {
  const lines = text.split('\n');
  const header = lines.find((line) => /\bNode \d+/.test(line));
  if (header === undefined) throw new Error(`numastat printed no node header:\n${text}`);
  const nodes = [...header.matchAll(/Node (\d+)/g)].map((match) => Number(match[1]));
  const row = (name: string): Map<number, string> => {
    const line = lines.find((l) => l.startsWith(`${name} `));
    if (line === undefined) throw new Error(`numastat printed no ${name} row:\n${text}`);
    const values = line.trim().split(/\s+/).slice(1);
    return new Map(nodes.map((node, i) => [node, values[i] as string]));
  };
  return { total: row('Total'), huge: row('Huge') };
}

export function numastat(pid: number): NumastatRows {
  return parseNumastat(execFileSync('numastat', ['-p', `${pid}`], { encoding: 'utf8' }));
}

/**
 * Bytes as numastat prints them: MiB with two decimals, rounded as C's printf rounds the
 * exact binary value (a tie such as 0.125 goes to the even digit, where toFixed goes up).
 */
export function numastatMiB(bytes: number): string {
  const scaled = BigInt(bytes) * 100n;
  const unit = 1n << 20n;
  let cents = scaled / unit;
  const rest = (scaled % unit) * 2n;
  if (rest > unit || (rest === unit && cents % 2n === 1n)) cents += 1n;
  return `${cents / 100n}.${`${cents % 100n}`.padStart(2, '0')}`;
}

/** Our per-node byte counts in numastat's form, for the nodes numastat lists. */
export function asNumastat(bytesByNode: ReadonlyMap<number, number> | Record<string, number>, nodes: Iterable<number>): Map<number, string> {
  const get = (node: number): number => (bytesByNode instanceof Map ? bytesByNode.get(node) : (bytesByNode as Record<string, number>)[`${node}`]) ?? 0;
  return new Map([...nodes].map((node) => [node, numastatMiB(get(node))]));
}
