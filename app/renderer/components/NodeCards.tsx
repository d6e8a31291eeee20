/**
 * One card per node at the top of the system view: its memory, free and used, the part the
 * listed processes hold, and the processes holding the most there (click one to open it).
 */
import type { OverviewNode } from '../../common/system-overview.js';
import { formatNodeList } from '../../common/nodelist.js';
import { colourOfNode } from '../heatmap/palette.js';
import { formatBytes, formatPercent } from '../model/format.js';

interface Props {
  nodes: readonly OverviewNode[];
  order: readonly number[];
  onPick(pid: number): void;
}

export function NodeCards({ nodes, order, onPick }: Props) {
  return (
    <div className="node-cards">
      {nodes.map((node) => {
        const used = Math.max(node.memTotal - node.memFree, 0);
        const other = Math.max(used - node.processBytes, 0);
        const whole = Math.max(node.memTotal, 1);
        return (
          <section key={node.id} className="node-card" data-overview-node={node.id} aria-label={`node ${node.id}`}>
            <div className="node-card-head">
              <span className="swatch" style={{ background: colourOfNode(node.id, order) }} />
              <strong>node {node.id}</strong>
              <span className="muted">{node.cpus.length > 0 ? `CPUs ${formatNodeList(node.cpus)}` : 'memory only'}</span>
              <span className="node-card-mem">
                {formatBytes(node.memFree)} free of {formatBytes(node.memTotal)}
              </span>
            </div>
            {node.memTotal > 0 ? (
              <div className="node-card-bar" role="img" aria-label={`processes ${formatBytes(node.processBytes)}, other use ${formatBytes(other)}, free ${formatBytes(node.memFree)}`}>
                <div style={{ width: `${(100 * Math.min(node.processBytes, used)) / whole}%`, background: colourOfNode(node.id, order) }} title={`processes: ${formatBytes(node.processBytes)}`} />
                <div className="node-card-other" style={{ width: `${(100 * other) / whole}%` }} title={`kernel, page cache and the rest: ${formatBytes(other)}`} />
              </div>
            ) : (
              <p className="muted">no memory</p>
            )}
            {node.memTotal > 0 ? (
              <span className="node-card-share">
                processes {formatBytes(node.processBytes)} ({formatPercent(node.processBytes, node.memTotal)}) · other use {formatBytes(other)}
              </span>
            ) : null}
            <ol className="node-card-top">
              {node.top.map((holder) => (
                <li key={holder.pid}>
                  <button type="button" className="link" onClick={() => onPick(holder.pid)} title={`open pid ${holder.pid}`}>
                    {holder.comm} <span className="muted mono">{holder.pid}</span>
                  </button>
                  <span className="node-card-bytes">{formatBytes(holder.bytes)}</span>
                  <span className="muted">{formatPercent(holder.bytes, node.memTotal)}</span>
                </li>
              ))}
              {node.top.length === 0 && node.memTotal > 0 ? <li className="muted">no process memory read here</li> : null}
            </ol>
          </section>
        );
      })}
    </div>
  );
}
