/**
 * The kernel's cheap change signals, read before deciding how much of a process to rescan
 * (rescan-plan.ts weighs them; docs/architecture.md, "Polling", says what each can miss).
 *
 * - System-wide page movers (/proc/vmstat, KSM's sysfs counters): a page of the target can
 *   move to another node without the target doing anything (migrate_pages or move_pages by
 *   another process, compaction, NUMA balancing, demotion and promotion, khugepaged's
 *   collapse into a new huge page, KSM merging). These counters only say "somewhere in the
 *   system", never which process or page.
 * - The target's own fault counters (/proc/PID/stat minflt + majflt): it touched new memory,
 *   swapped pages back in, broke copy-on-write, or took NUMA hinting faults.
 * - The target's resident size (/proc/PID/stat rss): pages dropped without a fault,
 *   MADV_DONTNEED, reclaim, swap-out. The kernel keeps it in per-CPU counters and reports their
 *   folded sum, so a change of a few dozen pages may show a poll or more late.
 */
import { readFileSync } from 'node:fs';

/** Counters of /proc/vmstat that rise when some page, somewhere, got a new home. */
export const MOVER_COUNTERS: readonly string[] = [
  'pgmigrate_success',
  'numa_pages_migrated',
  'thp_migration_success',
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgdemote_khugepaged',
  'pgdemote_proactive',
  'pgpromote_success',
  'thp_collapse_alloc',
];

/** KSM merges replace a page with a shared one, on whatever node that one sits. */
const KSM_COUNTERS = ['/sys/kernel/mm/ksm/pages_shared', '/sys/kernel/mm/ksm/pages_sharing'];

export interface ChangeSignals {
  /**
   * MOVER_COUNTERS' values, then KSM's (-1 where the kernel has no such counter); null when
   * /proc/vmstat cannot be read, and then nothing says that pages did not move.
   */
  movers: number[] | null;
  /** The target's minor plus major faults. */
  faults: number;
  /** The target's resident pages, as the kernel counts them. */
  resident: number;
}

/** MOVER_COUNTERS from the text of /proc/vmstat, in that order (-1 for a missing one). */
export function parseMovers(vmstat: string): number[] {
  const found = new Map<string, number>();
  for (const line of vmstat.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) found.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return MOVER_COUNTERS.map((name) => found.get(name) ?? -1);
}

function readCounter(path: string): number {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return -1;
  }
}

/** The system-wide counters now (synchronous: a few microseconds, for the worker thread). */
export function readMovers(): number[] | null {
  let vmstat: string;
  try {
    vmstat = readFileSync('/proc/vmstat', 'utf8');
  } catch {
    return null;
  }
  return [...parseMovers(vmstat), ...KSM_COUNTERS.map(readCounter)];
}

/** Whether some page may have moved between the two readings (true when either could not tell). */
export function moversMoved(before: ChangeSignals, now: ChangeSignals): boolean {
  const [a, b] = [before.movers, now.movers];
  if (a === null || b === null || a.length !== b.length) return true;
  return a.some((value, i) => value !== b[i]);
}
