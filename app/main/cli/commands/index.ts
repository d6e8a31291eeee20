import type { Command } from '../command.js';

/**
 * Every sub-command, in the order `numascope --help` lists them. A command's module is
 * imported only when it runs (or prints its help), so `numascope --help` and the light
 * commands start without loading what the heavy ones need (koffi, the sampler, the server).
 */
export interface CommandEntry {
  name: string;
  /** One line for `numascope --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'snapshot', summary: 'record where every page of a process lives (JSON snapshot)', load: async () => (await import('./snapshot.js')).snapshotCommand },
  { name: 'record', summary: 'record where the pages of a process live over time (timeline file)', load: async () => (await import('./record.js')).recordCommand },
  { name: 'topology', summary: 'show NUMA nodes: CPUs, memory, distances, memory tiers', load: async () => (await import('./topology.js')).topologyCommand },
  { name: 'open', summary: 'read a snapshot file and summarise it (no live process needed)', load: async () => (await import('./open.js')).openCommand },
  { name: 'diff', summary: 'compare two snapshots: pages per node before and after, what changed', load: async () => (await import('./diff.js')).diffCommand },
  { name: 'report', summary: 'write one HTML file that shows a snapshot in any browser, offline', load: async () => (await import('./report.js')).reportCommand },
  { name: 'ps', summary: 'list processes with their resident memory and whether they can be read', load: async () => (await import('./ps.js')).psCommand },
  { name: 'metrics', summary: 'print per-node memory of the machine and of processes as OpenMetrics (Prometheus)', load: async () => (await import('./metrics.js')).metricsCommand },
  { name: 'move', summary: 'move the pages of address ranges of a process to a node', load: async () => (await import('./move.js')).moveCommand },
  { name: 'migrate', summary: 'move all pages of a process from some nodes to others (migrate_pages)', load: async () => (await import('./migrate.js')).migrateCommand },
  { name: 'advise', summary: 'measure which memory is hot and where its users run; say what to move', load: async () => (await import('./advise.js')).adviseCommand },
  { name: 'agent', summary: 'serve the desktop window as root on a private Unix socket (started with pkexec)', load: async () => (await import('./agent.js')).agentCommand },
  { name: 'serve', summary: 'show the UI in a browser: a local web server with a one-time token', load: async () => (await import('./serve.js')).serveCommand },
];
