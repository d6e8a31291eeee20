/**
 * Confirmation before everything of the process on one node moves to another (migrate_pages):
 * the plan from move:node-plan (pages on the source, room on the target, whether the process
 * may use it), the target among the nodes it offers, and the button that sends
 * move:node-start. Progress, the result and undo are the range move's (MoveStatus).
 */
import { useEffect, useState } from 'react';
import type { NodeMovePlan, NodeMoveRequest } from '../../common/ipc.js';
import type { AppTransport } from '../transport/pick.js';
import { formatBytes, formatCount } from '../model/format.js';
import { Dialog } from './Dialog.js';
import { NoTarget, TargetNodeSelect, type Offered } from './TargetNodeSelect.js';
import type { TopologyNode } from './TopologyStrip.js';

interface Props {
  transport: AppTransport;
  pid: number;
  comm: string;
  startTime: number;
  fromNode: number;
  /** The node dropped on, or null to start with the first node offered. */
  initialTarget: number | null;
  nodes: TopologyNode[];
  onClose(): void;
  onConfirm(request: NodeMoveRequest): void;
}

type PlanState = { state: 'loading' } | { state: 'ready'; plan: NodeMovePlan } | { state: 'error'; message: string };

/** Any node but the source, to ask the first plan with when no target was named. */
function firstGuess(nodes: TopologyNode[], fromNode: number): number {
  return nodes.find((n) => n.id !== fromNode)?.id ?? (fromNode === 0 ? 1 : 0);
}

export function NodeMoveDialog({ transport, pid, comm, startTime, fromNode, initialTarget, nodes, onClose, onConfirm }: Props) {
  const [toNode, setToNode] = useState(initialTarget ?? firstGuess(nodes, fromNode));
  const [plan, setPlan] = useState<PlanState>({ state: 'loading' });
  const [offered, setOffered] = useState<Offered | null>(null);
  const request: NodeMoveRequest = { pid, startTime, fromNode, toNode };

  useEffect(() => {
    let current = true;
    setPlan({ state: 'loading' });
    void transport.request('move:node-plan', { pid, startTime, fromNode, toNode }).then((result) => {
      if (!current) return;
      setPlan(result.ok ? { state: 'ready', plan: result.value } : { state: 'error', message: result.error.message });
      if (!result.ok) return;
      const { targets, noTargetReason, reason } = result.value;
      const first = targets[0];
      // Only a node the user named is worth a word when it is passed over.
      const skipped = first !== undefined && !targets.includes(toNode) && initialTarget === toNode ? { node: toNode, why: reason ?? 'it cannot take these pages' } : null;
      setOffered((previous) => ({ targets, noTargetReason, skipped: skipped ?? previous?.skipped ?? null }));
      if (first !== undefined && !targets.includes(toNode)) setToNode(first);
    });
    return () => {
      current = false;
    };
  }, [transport, pid, startTime, fromNode, toNode, initialTarget]);

  const ready = plan.state === 'ready' && plan.plan.toNode === toNode ? plan.plan : null;
  const nowhere = offered !== null && offered.targets.length === 0;
  return (
    <Dialog title={`Move all of node ${fromNode}`} onClose={onClose} className="move-dialog node-move-dialog">
      <p>
        Every page of{' '}
        <strong data-testid="move-process">
          pid {pid} ({comm})
        </strong>{' '}
        on node {fromNode}, with migrate_pages(2); start time <span className="mono">{startTime}</span>
      </p>
      {nowhere ? (
        <NoTarget reason={offered.noTargetReason} />
      ) : (
        <>
          <TargetNodeSelect nodes={nodes} targets={offered?.targets ?? [toNode]} skipped={offered?.skipped ?? null} value={toNode} onChange={setToNode} testId="node-move-target" />
          <div className="plan" aria-live="polite">
            {plan.state === 'loading' ? <p className="muted">Checking what would move…</p> : null}
            {plan.state === 'error' ? <p className="error">Cannot plan this move: {plan.message}</p> : null}
            {ready !== null ? (
              <>
                <table className="plan-table">
                  <tbody>
                    <tr>
                      <th>pages on node {fromNode} (latest scan)</th>
                      <td className="num" data-testid="node-move-pages">
                        {formatCount(ready.pagesOnSource)} ({formatBytes(ready.bytesOnSource)})
                      </td>
                    </tr>
                    <tr>
                      <th>free on node {toNode}</th>
                      <td className={`num${ready.targetFreeBytes < ready.bytesOnSource ? ' warning' : ''}`}>{formatBytes(ready.targetFreeBytes)}</td>
                    </tr>
                  </tbody>
                </table>
                {ready.allowed ? <p className="ok">The process may use node {toNode}.</p> : <p className="error">Cannot move: {ready.reason ?? 'not allowed'}.</p>}
              </>
            ) : null}
          </div>
          <p className="muted small">
            One system call: it shows no progress and cannot be cancelled once it runs. Where every page was is recorded first, so Undo puts back exactly the
            pages that moved. Pages shared with other processes move only for root (CAP_SYS_NICE).
          </p>
          <p className="muted small">
            From a shell:{' '}
            <code data-testid="node-move-cli">
              numascope migrate {pid} --from {fromNode} --to {toNode} --expect-start {startTime}
            </code>
          </p>
        </>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          {nowhere ? 'Close' : 'Cancel'}
        </button>
        {nowhere ? null : (
          <button type="button" className="primary" data-testid="confirm-node-move" disabled={ready === null || !ready.allowed} onClick={() => onConfirm(request)}>
            Move all of node {fromNode} to node {toNode}
          </button>
        )}
      </div>
    </Dialog>
  );
}
