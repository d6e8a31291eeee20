/** The header's line about what is shown: the process (live, exited, or from a file), or why nothing is. */
import type { PlacementSummary } from '../../common/placement-tiles.js';

interface Props {
  process: PlacementSummary['process'] | null;
  /** The file shown offline, or null when showing the live process. */
  fileName: string | null;
  /** The pid watched, if any. */
  watchedPid: number | null;
  exited: boolean;
  hasServer: boolean;
}

export function SourceLine({ process, fileName, watchedPid, exited, hasServer }: Props) {
  return (
    <div className="source" data-testid="source">
      {process !== null ? (
        <>
          <strong>
            pid {process.pid} {process.comm}
          </strong>{' '}
          <span
            className="muted mono"
            data-testid="start-time"
            title="Field 22 of /proc/PID/stat: clock ticks after boot. With the pid it names this process; numascope move --expect-start takes this number and refuses to act on a later process that reuses the pid."
          >
            start time {process.startTime}
          </span>{' '}
          {fileName !== null ? (
            <span className="badge">offline: {fileName}</span>
          ) : exited ? (
            <span className="badge exited" data-testid="exited-badge">
              exited
            </span>
          ) : (
            <span className="badge live">live</span>
          )}{' '}
          <span className="muted">{process.cmdline.join(' ').slice(0, 120)}</span>
        </>
      ) : watchedPid !== null ? (
        <span>{exited ? `pid ${watchedPid} exited before its first scan` : `Scanning pid ${watchedPid}…`}</span>
      ) : (
        <span className="muted">{hasServer ? 'No process chosen' : 'Offline viewer: open a snapshot file'}</span>
      )}
    </div>
  );
}
