/**
 * The process being watched and what the transport says of it: its placement updates, scan
 * progress, errors, its exit, the polling settings and the connection. Events for any other
 * pid (a process watched before) are ignored.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { PlacementUpdate, ProcessExited, WireChanges } from '../../common/ipc.js';
import type { ProcessIdentity, Topology } from '../../common/types.js';
import { mark, PLACEMENT_MARK } from '../heatmap/marks.js';
import type { ConnectionState } from '../transport/http.js';
import type { AppTransport } from '../transport/pick.js';
import type { PollingState } from '../components/PollingBar.js';
import type { Notify } from './useNotice.js';

export interface Watch {
  pid: number;
  identity: ProcessIdentity | null;
}

export interface LastChange {
  changes: WireChanges;
  takenAt: string;
}

export interface WatchedProcess {
  topology: Topology | null;
  watch: Watch | null;
  /** The watched process is gone: its last picture stays, nothing polls or moves. */
  exited: ProcessExited | null;
  update: PlacementUpdate | null;
  /** The latest scan that changed something, kept while later scans change nothing. */
  lastChange: LastChange | null;
  scanProgress: { done: number; total: number } | null;
  polling: PollingState;
  connection: ConnectionState;
  /** Starts watching pid (and stops watching any other). */
  watchPid(pid: number): Promise<void>;
  /** Stops watching and forgets the process's picture (back to the system view). */
  unwatch(): Promise<void>;
  changePolling(change: Partial<PollingState>): Promise<void>;
}

export function useWatchedProcess(transport: AppTransport | null, initialIntervalMs: number | null, notify: Notify): WatchedProcess {
  const [topology, setTopology] = useState<Topology | null>(null);
  const [watch, setWatch] = useState<Watch | null>(null);
  // Events arrive outside React's render; they compare against the latest watch, not a rendered one.
  const watchRef = useRef<Watch | null>(null);
  const [exited, setExited] = useState<ProcessExited | null>(null);
  const [update, setUpdate] = useState<PlacementUpdate | null>(null);
  const [lastChange, setLastChange] = useState<LastChange | null>(null);
  const [scanProgress, setScanProgress] = useState<{ done: number; total: number } | null>(null);
  const [polling, setPolling] = useState<PollingState>({ paused: false, intervalMs: initialIntervalMs ?? 1000 });
  const [connection, setConnection] = useState<ConnectionState>('open');

  const setWatched = useCallback((next: Watch | null): void => {
    watchRef.current = next;
    setWatch(next);
  }, []);

  useEffect(() => {
    if (transport === null) return;
    const offs = [
      transport.subscribe('placement:update', (payload) => {
        if (watchRef.current?.pid !== payload.placement.process.pid) return;
        mark(PLACEMENT_MARK, { sequence: payload.sequence, pages: payload.placement.totalPages });
        // Rendered, and drawn (the heatmaps draw new data in a layout effect), in this task:
        // left to the scheduler, the render waits for a task of its own behind whatever else is queued.
        flushSync(() => {
          setUpdate(payload);
          setScanProgress(null);
          if (payload.changes !== null && payload.changes.total > 0) setLastChange({ changes: payload.changes, takenAt: payload.placement.takenAt });
        });
      }),
      transport.subscribe('placement:progress', (payload) => {
        if (watchRef.current?.pid === payload.pid) setScanProgress({ done: payload.done, total: payload.total });
      }),
      transport.subscribe('placement:error', (payload) => {
        if (watchRef.current?.pid !== payload.pid) return;
        notify({ kind: 'error', text: `Stopped watching pid ${payload.pid}: ${payload.message}` });
        setWatched(null);
      }),
      transport.subscribe('placement:exited', (payload) => {
        if (watchRef.current?.pid !== payload.pid) return;
        setExited(payload);
        setScanProgress(null);
      }),
    ];
    const offConnection = transport.kind === 'http' ? transport.onConnection(setConnection) : () => undefined;
    return () => {
      for (const off of offs) off();
      offConnection();
    };
  }, [transport, notify, setWatched]);

  useEffect(() => {
    if (transport === null) return;
    void transport.request('system:topology', null).then((result) => {
      if (result.ok) setTopology(result.value);
      else notify({ kind: 'error', text: `Cannot read the topology: ${result.error.message}` });
    });
  }, [transport, notify]);

  const watchPid = useCallback(
    async (pid: number) => {
      if (transport === null) return;
      const next: Watch = { pid, identity: null };
      setWatched(next);
      setExited(null);
      setUpdate(null);
      setLastChange(null);
      notify(null);
      const result = await transport.request('process:watch', { pid, intervalMs: polling.intervalMs });
      if (watchRef.current !== next) return;
      if (result.ok) setWatched({ pid, identity: result.value });
      else {
        setWatched(null);
        // Not a failure: a kernel thread simply has nothing to show, and the message says why.
        if (result.error.code === 'KERNEL_THREAD') notify({ kind: 'info', text: result.error.message });
        else notify({ kind: 'error', text: `Cannot watch pid ${pid}: ${result.error.message}` });
      }
    },
    [transport, polling.intervalMs, notify, setWatched],
  );

  const unwatch = useCallback(async (): Promise<void> => {
    setWatched(null);
    setExited(null);
    setUpdate(null);
    setLastChange(null);
    setScanProgress(null);
    if (transport === null) return;
    const result = await transport.request('process:unwatch', null);
    if (!result.ok) notify({ kind: 'error', text: `Cannot stop watching: ${result.error.message}` });
  }, [transport, notify, setWatched]);

  const changePolling = useCallback(
    async (change: Partial<PollingState>): Promise<void> => {
      if (transport === null) return;
      const result = await transport.request('process:polling', change);
      if (result.ok) setPolling(result.value);
      else notify({ kind: 'error', text: `Cannot change polling: ${result.error.message}` });
    },
    [transport, notify],
  );

  return { topology, watch, exited, update, lastChange, scanProgress, polling, connection, watchPid, unwatch, changePolling };
}
