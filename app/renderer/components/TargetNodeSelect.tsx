/**
 * The target node of a move, chosen among the nodes a plan offers (with memory, in the
 * process's cpuset, not already holding everything to move), or, when it offers none, why.
 */
import { formatBytes } from '../model/format.js';
import type { TopologyNode } from './TopologyStrip.js';

export interface Offered {
  targets: number[];
  noTargetReason: string | null;
  /** The node first asked for when it is not offered, and why. */
  skipped: { node: number; why: string } | null;
}

interface Props {
  nodes: TopologyNode[];
  targets: readonly number[];
  skipped: Offered['skipped'];
  value: number;
  onChange(node: number): void;
  testId: string;
}

export function TargetNodeSelect({ nodes, targets, skipped, value, onChange, testId }: Props) {
  const shown = nodes.filter((node) => targets.includes(node.id));
  return (
    <>
      <label className="field">
        Move to{' '}
        <select value={value} onChange={(e) => onChange(Number(e.target.value))} aria-label="Target node" data-testid={testId}>
          {shown.map((node) => (
            <option key={node.id} value={node.id}>
              node {node.id}
              {node.cpuless ? ' (memory only)' : ''} · {formatBytes(node.memFree)} free
            </option>
          ))}
        </select>
      </label>
      {skipped !== null && skipped.node !== value ? (
        <p className="muted small" data-testid="target-skipped">
          Node {skipped.node} is not offered: {skipped.why}.
        </p>
      ) : null}
    </>
  );
}

/** Said instead of a target list when no node can take the pages. */
export function NoTarget({ reason }: { reason: string | null }) {
  return (
    <p className="error" data-testid="move-no-target" role="status">
      Nowhere to move these pages: {reason ?? 'no node can take them'}.
    </p>
  );
}
