/**
 * Confirmation before pages move: the plan from move:plan (what would move, what is
 * already there, what is not present, room on the target, whether the process may use the
 * node), the MOVE_ALL choice, and the confirm button that sends move:start.
 *
 * Only the targets the plan offers can be chosen (nodes with memory, in the process's cpuset,
 * not already holding every selected page); the dropped-on node is preselected when it is one
 * of them. With none, the dialog says why and offers nothing to confirm.
 */
import { useEffect, useState } from 'react';
import type { MovePlan, MovePlanRequest } from '../../common/ipc.js';
import type { AppTransport } from '../transport/pick.js';
import { formatBytes, formatCount, hex, plural } from '../model/format.js';
import { countPages, toWireRanges, type AddressRange } from '../model/selection.js';
import { Dialog } from './Dialog.js';
import { NoTarget, TargetNodeSelect, type Offered } from './TargetNodeSelect.js';
import type { TopologyNode } from './TopologyStrip.js';

interface Props {
  transport: AppTransport;
  pid: number;
  /** The process's name, so the confirmation says which process it acts on. */
  comm: string;
  startTime: number;
  pageSize: number;
  ranges: AddressRange[];
  nodes: TopologyNode[];
  initialNode: number;
  onClose(): void;
  onConfirm(request: MovePlanRequest): void;
}

type PlanState = { state: 'loading' } | { state: 'ready'; plan: MovePlan } | { state: 'error'; message: string };

/** The same move as a command line, for a script or a shell on the server. */
function cliCommand(pid: number, startTime: number, ranges: AddressRange[], toNode: number, moveAll: boolean): string {
  const list = ranges.map((r) => `${hex(r.start)}-${hex(r.end)}`).join(',');
  return `numascope move ${pid} --range ${list} --to ${toNode} --expect-start ${startTime}${moveAll ? ' --all' : ''}`;
}

export function MoveDialog({ transport, pid, comm, startTime, pageSize, ranges, nodes, initialNode, onClose, onConfirm }: Props) {
  const [toNode, setToNode] = useState(initialNode);
  const [moveAll, setMoveAll] = useState(false);
  const [plan, setPlan] = useState<PlanState>({ state: 'loading' });
  const [offered, setOffered] = useState<Offered | null>(null);
  const request: MovePlanRequest = { pid, startTime, ranges: toWireRanges(ranges), toNode, moveAll };

  useEffect(() => {
    let current = true;
    setPlan({ state: 'loading' });
    void transport.request('move:plan', { pid, startTime, ranges: toWireRanges(ranges), toNode, moveAll }).then((result) => {
      if (!current) return;
      setPlan(result.ok ? { state: 'ready', plan: result.value } : { state: 'error', message: result.error.message });
      if (!result.ok) return;
      const { targets, noTargetReason, reason } = result.value;
      const first = targets[0];
      // The node asked for is not worth offering: plan for the first one that is, and say why.
      const skipped = first !== undefined && !targets.includes(toNode) ? { node: toNode, why: reason ?? 'every selected page is already there' } : null;
      setOffered((previous) => ({ targets, noTargetReason, skipped: skipped ?? previous?.skipped ?? null }));
      if (skipped !== null && first !== undefined) setToNode(first);
    });
    return () => {
      current = false;
    };
  }, [transport, pid, startTime, ranges, toNode, moveAll]);

  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  const requested = countPages(ranges, pageSize);
  const ready = plan.state === 'ready' ? plan.plan : null;
  const nowhere = offered !== null && offered.targets.length === 0;

  return (
    <Dialog title="Move pages" onClose={onClose} className="move-dialog">
      <p>
        {plural(requested, 'page')} ({formatBytes(requested * pageSize)}) in {plural(ranges.length, 'range')}
        {first !== undefined && last !== undefined ? (
          <span className="mono">
            {' '}
            {hex(first.start)}–{hex(last.end)}
          </span>
        ) : null}{' '}
        of{' '}
        <strong data-testid="move-process">
          pid {pid} ({comm})
        </strong>
        , start time <span className="mono">{startTime}</span>
      </p>
      {nowhere ? (
        <NoTarget reason={offered.noTargetReason} />
      ) : (
        <TargetNodeSelect nodes={nodes} targets={offered?.targets ?? [toNode]} skipped={offered?.skipped ?? null} value={toNode} onChange={setToNode} testId="move-target" />
      )}
      {nowhere ? null : (
        <>
          <div className="plan" aria-live="polite">
            {plan.state === 'loading' ? <p className="muted">Checking what would move…</p> : null}
            {plan.state === 'error' ? <p className="error">Cannot plan this move: {plan.message}</p> : null}
            {ready !== null ? (
              <>
                <table className="plan-table">
                  <tbody>
                    <tr>
                      <th>mapped pages in the selection</th>
                      <td className="num">
                        {formatCount(ready.pages)} ({formatBytes(ready.bytes)})
                      </td>
                    </tr>
                    <tr>
                      <th>would move</th>
                      <td className="num">{formatCount(ready.pagesToMove)}</td>
                    </tr>
                    <tr>
                      <th>already on node {ready.targetNode}</th>
                      <td className="num">{formatCount(ready.alreadyOnTarget)}</td>
                    </tr>
                    <tr>
                      <th>not present (nothing to move)</th>
                      <td className="num">{formatCount(ready.notPresent)}</td>
                    </tr>
                    <tr>
                      <th>free on node {ready.targetNode}</th>
                      <td className={`num${ready.targetFreeBytes < ready.pagesToMove * pageSize ? ' warning' : ''}`}>{formatBytes(ready.targetFreeBytes)}</td>
                    </tr>
                  </tbody>
                </table>
                {ready.allowed ? (
                  <p className="ok">The process may use node {ready.targetNode}.</p>
                ) : (
                  <p className="error">The process may not use node {ready.targetNode}: {ready.reason ?? 'not in its allowed nodes'}.</p>
                )}
                {ready.pagesToMove === 0 ? <p className="muted">Nothing needs to move; confirming only checks every page again.</p> : null}
              </>
            ) : null}
          </div>
          <label className="check movall">
            <input type="checkbox" checked={moveAll} onChange={(e) => setMoveAll(e.target.checked)} /> also move pages shared with other processes (MOVE_ALL)
          </label>
          <p className="muted small">
            Without it, shared pages (e.g. after fork, or shared memory) stay where they are and are reported as EACCES. With it the kernel moves them for
            every process that maps them (MPOL_MF_MOVE_ALL), which needs CAP_SYS_NICE (root); without that capability the whole move fails with EPERM.
          </p>
          {ranges.length <= 8 ? (
            <p className="muted small">
              From a shell: <code data-testid="move-cli">{cliCommand(pid, startTime, ranges, toNode, moveAll)}</code>
            </p>
          ) : null}
        </>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          {nowhere ? 'Close' : 'Cancel'}
        </button>
        {nowhere ? null : (
          <button
            type="button"
            className="primary"
            data-testid="confirm-move"
            disabled={ready === null || !ready.allowed || ready.targetNode !== toNode || !ready.targets.includes(toNode)}
            onClick={() => onConfirm(request)}
          >
            Move to node {toNode}
          </button>
        )}
      </div>
    </Dialog>
  );
}
