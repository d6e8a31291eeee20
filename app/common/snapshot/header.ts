/**
 * The header every writer of snapshot-shaped data shares. Kept apart from the codec and the
 * reader so that code needing only this (placement-tiles.ts, and through it the IPC
 * contract and the preload bundle) does not pull in the reader's schemas.
 */
import type { Placement, Topology } from '../types.js';
import type { SnapshotFile } from './schema.js';

/**
 * The fields of a snapshot that describe the process and the machine, as every writer of
 * snapshot-shaped data (files, and the summaries sent to the renderer) spells them.
 */
export function snapshotHeader(placement: Placement, topology: Topology): Pick<SnapshotFile, 'takenAt' | 'kernel' | 'pageSize' | 'process' | 'nodes' | 'withMemory' | 'memoryTiers'> {
  return {
    takenAt: new Date(placement.takenAt).toISOString(),
    kernel: topology.kernel,
    pageSize: placement.pageSize,
    process: {
      pid: placement.identity.pid,
      comm: placement.identity.comm,
      cmdline: [...placement.identity.cmdline],
      startTime: placement.identity.startTime,
    },
    nodes: topology.nodes.map((node) => ({
      id: node.id,
      cpus: [...node.cpus],
      memTotal: node.memTotal,
      memFree: node.memFree,
      distances: [...node.distances],
      cpuless: node.cpuless,
      memoryTier: node.memoryTier,
    })),
    withMemory: [...topology.withMemory],
    memoryTiers: topology.memoryTiers.map((tier) => ({ id: tier.id, nodes: [...tier.nodes] })),
  };
}
