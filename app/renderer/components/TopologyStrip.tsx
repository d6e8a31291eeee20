/** The machine's nodes: CPUs, memory used and free, distances, memory-only nodes marked. */
import { formatNodeList } from '../../common/nodelist.js';
import type { NumaNode } from '../../common/types.js';
import { formatBytes, formatPercent, plural } from '../model/format.js';
import { nodeColour } from '../heatmap/palette.js';

export type TopologyNode = NumaNode;

interface Props {
  nodes: TopologyNode[];
  /** Node ids in panel order, so a node's colour matches its heatmap. */
  order: readonly number[];
  /** Pages of the shown process per node, when a process is shown. */
  processPages: Map<number, number> | null;
  pageSize: number;
  kernel: string | null;
  source: 'live' | 'snapshot';
}

export function TopologyStrip({ nodes, order, processPages, pageSize, kernel, source }: Props) {
  if (nodes.length === 0) return null;
  return (
    <section className="topology" aria-label="NUMA topology">
      <div className="topology-title">
        <strong>Topology</strong>
        <span className="muted">
          {plural(nodes.length, 'node')}
          {kernel !== null ? ` · Linux ${kernel}` : ''}
          {source === 'snapshot' ? ' · as recorded in the snapshot' : ''}
        </span>
      </div>
      <div className="topology-nodes">
        {nodes.map((node) => {
          const used = Math.max(0, node.memTotal - node.memFree);
          const slot = order.indexOf(node.id);
          const pages = processPages?.get(node.id) ?? 0;
          return (
            <div key={node.id} className={`topology-node${node.cpuless ? ' cpuless' : ''}`}>
              <div className="topology-node-head">
                <span className="swatch" style={{ background: nodeColour(slot < 0 ? node.id : slot) }} />
                <strong>node {node.id}</strong>
                {node.cpuless ? (
                  <span className="badge" title="No CPUs: a memory-only node (CXL expander, HBM or device memory)">
                    memory only
                  </span>
                ) : null}
                {node.memoryTier !== null ? <span className="muted">tier {node.memoryTier}</span> : null}
              </div>
              <div className="muted">{node.cpus.length > 0 ? `CPUs ${formatNodeList(node.cpus)}` : 'no CPUs'}</div>
              <div
                className="membar"
                role="meter"
                aria-valuemin={0}
                aria-valuemax={node.memTotal}
                aria-valuenow={used}
                aria-label={`node ${node.id} memory used`}
                title={`${formatBytes(used)} used of ${formatBytes(node.memTotal)}`}
              >
                <div className="membar-used" style={{ width: `${node.memTotal > 0 ? (100 * used) / node.memTotal : 0}%` }} />
              </div>
              <div className="muted">
                {formatBytes(node.memFree)} free of {formatBytes(node.memTotal)} ({formatPercent(used, node.memTotal)} used)
              </div>
              {processPages !== null ? (
                <div>
                  this process: {plural(pages, 'page')} ({formatBytes(pages * pageSize)})
                </div>
              ) : null}
              <div className="distances" title="ACPI SLIT distances: 10 = local; higher is further">
                distance{' '}
                {node.distances.map((distance, i) => (
                  <span key={i} className={nodes[i]?.id === node.id ? 'local' : undefined}>
                    {nodes[i]?.id ?? i}:{distance}
                  </span>
                ))}
              </div>
            </div>
          );
        })}
      </div>
    </section>
  );
}
