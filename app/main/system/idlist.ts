/**
 * sysfs/procfs id lists ("0-3,8,10-11") for CPUs. Node lists go through parseNodeList,
 * which rejects ids above MAX_NUMNODES; CPU ids can go much higher (CONFIG_NR_CPUS 8192).
 */
import { ProcParseError } from '../proc/errors.js';

export function parseCpuList(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const ids: number[] = [];
  for (const part of trimmed.split(',')) {
    const dash = part.indexOf('-');
    const first = Number(dash < 0 ? part : part.slice(0, dash));
    const last = dash < 0 ? first : Number(part.slice(dash + 1));
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || part.trim() !== part || part === '') {
      throw new ProcParseError(`bad CPU list "${text}": "${part}" is not a CPU or a range like 0-3`);
    }
    for (let id = first; id <= last; id++) ids.push(id);
  }
  // The kernel prints lists in ascending order; sort anyway so callers can rely on it.
  return [...new Set(ids)].sort((a, b) => a - b);
}
