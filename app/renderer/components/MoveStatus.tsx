/** A running move's progress (with Cancel), then its result per status in plain words (with Undo). */
import type { MovePhase } from '../model/moves.js';
import { progressFraction, resultLines } from '../model/moves.js';
import { formatCount, formatDuration, plural } from '../model/format.js';

interface Props {
  state: MovePhase;
  onCancel(moveId: string): void;
  onUndo(moveId: string): void;
  onDismiss(): void;
}

const PHASES = { query: 'checking pages', move: 'moving', retry: 'retrying busy pages' } as const;
const OUTCOMES = { complete: 'Move finished', cancelled: 'Move cancelled', exited: 'The process exited', failed: 'Move failed' } as const;

export function MoveStatus({ state, onCancel, onUndo, onDismiss }: Props) {
  switch (state.phase) {
    case 'idle':
      return null;
    case 'starting':
      return (
        <section className="move-status" aria-live="polite">
          <strong>{state.kind === 'undo' ? 'Undoing…' : 'Starting the move…'}</strong>
        </section>
      );
    case 'running': {
      const fraction = progressFraction(state.progress);
      return (
        <section className="move-status" aria-live="polite" data-testid="move-progress">
          <strong>{state.kind === 'undo' ? 'Undoing' : 'Moving'}</strong>{' '}
          {state.progress !== null ? (
            <span>
              {PHASES[state.progress.phase]}: {formatCount(state.progress.done)} of {plural(state.progress.total, 'page')}
            </span>
          ) : (
            <span className="muted">waiting for progress…</span>
          )}
          <progress max={1} value={fraction ?? undefined} aria-label="Move progress" />
          <button type="button" onClick={() => onCancel(state.moveId)} disabled={state.cancelling}>
            {state.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </section>
      );
    }
    case 'failed':
      return (
        <section className="move-status failed" role="alert">
          <strong>{state.kind === 'undo' ? 'Undo failed' : 'Move failed'}:</strong> {state.message}
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        </section>
      );
    case 'done': {
      const { result } = state;
      return (
        <section className={`move-status result ${result.outcome}`} data-testid="move-result" data-outcome={result.outcome} aria-live="polite">
          <div className="section-head">
            <strong>{state.kind === 'undo' ? `Undo: ${OUTCOMES[result.outcome].toLowerCase()}` : OUTCOMES[result.outcome]}</strong>
            <span className="muted">
              {plural(result.counts.requested, 'page')} requested · {formatDuration(result.durationMs)}
            </span>
          </div>
          <p>{result.message}</p>
          <table className="result-table">
            <tbody>
              {resultLines(result).map((line) => (
                <tr key={line.label} data-result={line.label}>
                  <th>{line.label}</th>
                  <td className="num">{formatCount(line.pages)}</td>
                  <td className="muted">{line.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="dialog-actions">
            {result.undoable && state.kind === 'move' ? (
              <button type="button" onClick={() => onUndo(result.moveId)}>
                Undo
              </button>
            ) : null}
            <button type="button" onClick={onDismiss}>
              Dismiss
            </button>
          </div>
        </section>
      );
    }
  }
}
