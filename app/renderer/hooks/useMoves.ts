/**
 * Moving the selected pages, or everything on one node: the node chosen in the move dialog
 * (or the source and target of a whole-node move), and the move (or undo) in progress as the
 * transport reports it. Both kinds of move share the progress, result and undo.
 */
import { useCallback, useEffect, useReducer, useState } from 'react';
import type { MovePlanRequest, NodeMoveRequest } from '../../common/ipc.js';
import { initialMoveTracker, moveReducer, type MoveTracker } from '../model/moves.js';
import type { AppTransport } from '../transport/pick.js';
import type { Notify } from './useNotice.js';

export interface Moves {
  tracker: MoveTracker;
  /** The node the move dialog opens with; null while it is closed. */
  dialogTarget: number | null;
  openDialog(node: number): void;
  closeDialog(): void;
  confirm(request: MovePlanRequest): Promise<void>;
  /** The whole-node move dialog: its source node and the target first offered (null: the first allowed); null while closed. */
  nodeDialog: { from: number; to: number | null } | null;
  openNodeDialog(from: number, to: number | null): void;
  closeNodeDialog(): void;
  confirmNode(request: NodeMoveRequest): Promise<void>;
  cancel(moveId: string): Promise<void>;
  undo(moveId: string): Promise<void>;
  dismiss(): void;
}

export function useMoves(transport: AppTransport | null, notify: Notify): Moves {
  const [dialogTarget, setDialogTarget] = useState<number | null>(null);
  const [nodeDialog, setNodeDialog] = useState<{ from: number; to: number | null } | null>(null);
  const [tracker, dispatch] = useReducer(moveReducer, initialMoveTracker);

  useEffect(() => {
    if (transport === null) return;
    const offs = [transport.subscribe('move:progress', (event) => dispatch({ type: 'progress', event })), transport.subscribe('move:done', (result) => dispatch({ type: 'done', result }))];
    return () => {
      for (const off of offs) off();
    };
  }, [transport]);

  const confirm = useCallback(
    async (request: MovePlanRequest): Promise<void> => {
      if (transport === null) return;
      setDialogTarget(null);
      dispatch({ type: 'starting', kind: 'move' });
      const result = await transport.request('move:start', request);
      dispatch(result.ok ? { type: 'started', moveId: result.value.moveId } : { type: 'failed', message: result.error.message });
    },
    [transport],
  );

  const confirmNode = useCallback(
    async (request: NodeMoveRequest): Promise<void> => {
      if (transport === null) return;
      setNodeDialog(null);
      dispatch({ type: 'starting', kind: 'move' });
      const result = await transport.request('move:node-start', request);
      dispatch(result.ok ? { type: 'started', moveId: result.value.moveId } : { type: 'failed', message: result.error.message });
    },
    [transport],
  );

  const cancel = useCallback(
    async (moveId: string): Promise<void> => {
      if (transport === null) return;
      dispatch({ type: 'cancelling' });
      const result = await transport.request('move:cancel', { moveId });
      if (!result.ok) notify({ kind: 'error', text: `Cannot cancel: ${result.error.message}` });
    },
    [transport, notify],
  );

  const undo = useCallback(
    async (moveId: string): Promise<void> => {
      if (transport === null) return;
      dispatch({ type: 'starting', kind: 'undo' });
      const result = await transport.request('move:undo', { moveId });
      dispatch(result.ok ? { type: 'started', moveId: result.value.moveId } : { type: 'failed', message: result.error.message });
    },
    [transport],
  );

  const openDialog = useCallback((node: number) => setDialogTarget(node), []);
  const closeDialog = useCallback(() => setDialogTarget(null), []);
  const openNodeDialog = useCallback((from: number, to: number | null) => setNodeDialog({ from, to }), []);
  const closeNodeDialog = useCallback(() => setNodeDialog(null), []);
  const dismiss = useCallback(() => dispatch({ type: 'dismiss' }), []);
  return { tracker, dialogTarget, openDialog, closeDialog, confirm, nodeDialog, openNodeDialog, closeNodeDialog, confirmNode, cancel, undo, dismiss };
}
