/** The notices under the header: the dismissable one, and those that last while their cause does. */
import type { ProcessExited } from '../../common/ipc.js';
import { formatClock } from '../model/format.js';
import type { Notice } from '../hooks/useNotice.js';

interface Props {
  notice: Notice | null;
  onDismiss(): void;
  /** Why the placement cannot be shown. */
  placementErrors: readonly string[];
  compareError: string | null;
  /** The live process exited (only while showing it). */
  exited: ProcessExited | null;
  connectionLost: boolean;
}

export function NoticeStack({ notice, onDismiss, placementErrors, compareError, exited, connectionLost }: Props) {
  return (
    <>
      {notice !== null ? (
        <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
          <span>{notice.text}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        </div>
      ) : null}
      {placementErrors.map((error, i) => (
        <div key={i} className="notice error">
          Cannot show this placement: {error}
        </div>
      ))}
      {compareError !== null ? <div className="notice error">Cannot compare: {compareError}</div> : null}
      {exited !== null ? (
        <div className="notice info" role="status" data-testid="exited-notice">
          <span>
            process {exited.pid} exited at {formatClock(exited.exitedAt)}; {exited.sequence !== null ? 'showing its last picture' : 'it exited before its first scan'}
          </span>
        </div>
      ) : null}
      {connectionLost ? <div className="notice error">Lost the connection to the numascope server; retrying…</div> : null}
    </>
  );
}
