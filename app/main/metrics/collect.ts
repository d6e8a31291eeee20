/**
 * What numascope exports as metrics: each node's memory, and for the chosen processes their
 * bytes per node (numa_maps totals, as numastat -p) and their locality estimate, plus the
 * time the reading took. One function behind `numascope metrics` and serve's /metrics.
 */
import { performance } from 'node:perf_hooks';
import { listProcessNodes, type ProcessNodes } from '../proc/process-nodes.js';
import { cpuToNodeMap, readTopology } from '../system/topology.js';
import type { MetricFamily, Sample } from './exposition.js';

export interface MetricsSelection {
  /** Every process this user may read. */
  all?: boolean;
  /** These processes (those that exist and may be read; others are left out). */
  pids?: readonly number[];
}

function processLabels(row: ProcessNodes): [string, string][] {
  return [['pid', `${row.pid}`], ['comm', row.comm]];
}

function processFamilies(rows: readonly ProcessNodes[], nodes: readonly number[]): MetricFamily[] {
  const bytes: Sample[] = [];
  const locality: Sample[] = [];
  for (const row of rows) {
    if (row.usage === null) continue;
    for (const node of nodes) bytes.push({ labels: [...processLabels(row), ['node', `${node}`]], value: row.usage.bytesByNode.get(node) ?? 0 });
    const ratio = row.locality?.ratio;
    if (ratio !== null && ratio !== undefined) locality.push({ labels: processLabels(row), value: ratio });
  }
  return [
    {
      name: 'numascope_process_node_bytes',
      help: 'Memory of the process on the node, from the totals in /proc/PID/numa_maps (as numastat -p; shared pages count in every process that maps them).',
      unit: 'bytes',
      type: 'gauge',
      samples: bytes,
    },
    {
      name: 'numascope_process_locality_ratio',
      help: 'Estimate: share of the process\'s memory on the nodes its threads last ran on (0 to 1).',
      unit: 'ratio',
      type: 'gauge',
      samples: locality,
    },
  ];
}

export async function collectMetrics(selection: MetricsSelection = {}): Promise<MetricFamily[]> {
  const started = performance.now();
  const topology = await readTopology();
  const memoryNodes = topology.nodes.filter((node) => topology.withMemory.includes(node.id));
  const families: MetricFamily[] = [
    {
      name: 'numascope_node_memory_total_bytes',
      help: 'Memory of the NUMA node (MemTotal in /sys/devices/system/node/nodeN/meminfo).',
      unit: 'bytes',
      type: 'gauge',
      samples: memoryNodes.map((node) => ({ labels: [['node', `${node.id}`]], value: node.memTotal })),
    },
    {
      name: 'numascope_node_memory_free_bytes',
      help: 'Free memory of the NUMA node (MemFree in /sys/devices/system/node/nodeN/meminfo).',
      unit: 'bytes',
      type: 'gauge',
      samples: memoryNodes.map((node) => ({ labels: [['node', `${node.id}`]], value: node.memFree })),
    },
  ];
  if (selection.all === true || (selection.pids?.length ?? 0) > 0) {
    const rows = await listProcessNodes({ cpuToNode: cpuToNodeMap(topology), ...(selection.all === true ? {} : { pids: selection.pids ?? [] }) });
    const nodes = new Set(topology.withMemory);
    for (const row of rows) for (const node of row.usage?.bytesByNode.keys() ?? []) nodes.add(node);
    families.push(...processFamilies(rows, [...nodes].sort((a, b) => a - b)));
  }
  families.push({
    name: 'numascope_scan_duration_seconds',
    help: 'Time numascope took to read the figures of this exposition.',
    unit: 'seconds',
    type: 'gauge',
    samples: [{ labels: [], value: (performance.now() - started) / 1000 }],
  });
  return families.filter((family) => family.samples.length > 0);
}
