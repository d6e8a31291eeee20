/**
 * Peak resident memory (VmHWM of /proc/PID/status), for tests and benchmarks that bound what
 * an operation costs in memory: of this process, or of a child that loads a small reporter.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The peak resident memory of this process so far, in KiB. */
export function ownPeakKiB(): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
}

/** Writes into `dir` a preload (`node --require FILE ...`) that prints "peak-kb N" on stderr at exit; returns FILE. */
export function writePeakReporter(dir: string): string {
  const path = join(dir, 'peak.cjs');
  writeFileSync(path, "process.on('exit', () => { const m = /VmHWM:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8')); process.stderr.write(`peak-kb ${m ? m[1] : -1}\\n`); });\n");
  return path;
}

/** The peak a child with the reporter printed, in KiB, or undefined if it printed none. */
export function reportedPeakKiB(stderr: string): number | undefined {
  const kib = /peak-kb (\d+)/.exec(stderr)?.[1];
  return kib === undefined ? undefined : Number(kib);
}
