/**
 * The whole machine at a glance ('system:overview', the landing page): every process with its
 * memory per node from the numa_maps totals, the nodes with the processes that hold the most
 * of each, and the cgroups with their memory per node. Plain JSON: node-keyed maps are
 * records whose keys are node ids.
 */

/** Bytes per node, keyed by node id. */
export type NodeBytes = Record<number, number>;

export interface OverviewProcess {
  pid: number;
  comm: string;
  /** Field 22 of /proc/PID/stat: with pid, it names one process (the view's URL carries both). */
  startTime: number;
  /** /proc/PID/cmdline, its arguments joined by spaces ('' for kernel threads). */
  args: string;
  /** Effective user's name, or its number when /etc/passwd has none; null if unknown. */
  user: string | null;
  /** Bytes resident. */
  rss: number;
  kernelThread: boolean;
  readable: boolean;
  /** Why the placement cannot be read, or why its node bytes were not read this time. */
  reason: string | null;
  /** numa_maps totals per node; null when not read (unreadable, or past the cap). */
  nodeBytes: NodeBytes | null;
  /** Share of nodeBytes on the nodes its threads last ran on (0..1); null when unknown. */
  locality: number | null;
}

export interface OverviewNodeHolder {
  pid: number;
  comm: string;
  bytes: number;
}

export interface OverviewNode {
  id: number;
  cpus: number[];
  memTotal: number;
  memFree: number;
  /** Bytes the listed processes hold on this node (numa_maps totals). */
  processBytes: number;
  /** The processes holding the most on this node, largest first. */
  top: OverviewNodeHolder[];
}

export interface CgroupUsage {
  /** Path below the cgroup v2 mount, '/' for the root group. */
  path: string;
  /** Processes in the group itself (cgroup.procs), not counting its children. */
  processes: number;
  /** anon + file per node from memory.numa_stat (children included); null without the memory controller there. */
  nodeBytes: NodeBytes | null;
  anonBytes: number | null;
  fileBytes: number | null;
  /** cpuset.mems.effective; null without the cpuset controller there. */
  memsEffective: number[] | null;
}

export interface CgroupOverview {
  /** Where cgroup v2 is mounted; null when it is not. */
  mount: string | null;
  groups: CgroupUsage[];
  /** Why memory or cpuset figures are missing (say, the controller is bound to cgroup v1), else null. */
  note: string | null;
}

export interface SystemOverview {
  /** ms since the epoch when the reading finished. */
  takenAt: number;
  /** ms the reading took. */
  readMs: number;
  nodes: OverviewNode[];
  processes: OverviewProcess[];
  /** Node bytes are read for at most this many processes per refresh, the largest first. */
  nodeReadLimit: number;
  /** Readable processes whose node bytes were left unread because of the limit. */
  unreadPastLimit: number;
  cgroups: CgroupOverview;
}
