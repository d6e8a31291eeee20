/**
 * The application: which placement is shown (the watched process, live, or a snapshot file
 * opened offline), the selection, and the move in progress. Views below get plain data and
 * callbacks; only this component talks to the transport.
 */
import { startTransition, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { MovePlanRequest, PlacementSnapshot, PlacementUpdate, ProcessExited, WireChanges } from '../../common/ipc.js';
import type { PlacementSummary } from '../../common/placement-tiles.js';
import { diffSnapshots } from '../../common/snapshot/diff.js';
import { parseSnapshot, serializeSnapshot } from '../../common/snapshot/codec.js';
import { DEFAULT_MAX_BYTES, type SnapshotFile } from '../../common/snapshot/schema.js';
import type { ProcessIdentity, Topology } from '../../common/types.js';
import { pagesPerRegion, spansOfChanges, spansOfDiff } from '../model/changes.js';
import { buildViewData, type ViewData } from '../model/data.js';
import { carriedFrom, decodeFile, fileTiles, liveTiles, type DecodedFile, type Shown } from '../model/sources.js';
import type { TileStore } from '../model/tiles.js';
import { mark, PLACEMENT_MARK } from '../heatmap/marks.js';
import { afterNextPaint } from '../heatmap/scheduler.js';
import { formatBytes, formatClock, formatCount } from '../model/format.js';
import { initialMoveTracker, moveReducer } from '../model/moves.js';
import { countPages, regionRanges, type AddressRange } from '../model/selection.js';
import type { ConnectionState } from '../transport/http.js';
import type { AppTransport } from '../transport/pick.js';
import { ChangesPanel } from './ChangesPanel.js';
import { Dialog } from './Dialog.js';
import { HeatmapStack, type FocusRequest, type HeatmapHandle } from './HeatmapStack.js';
import { Legend } from './Legend.js';
import { MoveDialog } from './MoveDialog.js';
import { MoveStatus } from './MoveStatus.js';
import { PollingBar, type PollingState } from './PollingBar.js';
import { ProcessPicker } from './ProcessPicker.js';
import { RegionTable } from './RegionTable.js';
import { SnapshotControls } from './SnapshotControls.js';
import { TopologyStrip } from './TopologyStrip.js';

interface Props {
  transport: AppTransport | null;
  initialPid: number | null;
  initialIntervalMs: number | null;
}

interface Watch {
  pid: number;
  identity: ProcessIdentity | null;
}

interface Selection {
  ranges: AddressRange[];
  /** The node panel it was brushed on, if any. */
  node: number | null;
  /** Regions picked in the table (empty for a brushed range). */
  regions: ReadonlySet<number>;
}

interface Notice {
  kind: 'error' | 'info';
  text: string;
}

interface OpenedFile {
  name: string;
  snapshot: SnapshotFile;
}

interface OpenedForViewing extends OpenedFile {
  decoded: DecodedFile;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the time this fires; the URL only has to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

function fileStem(snapshot: Pick<SnapshotFile, 'takenAt' | 'process'>): string {
  const stamp = snapshot.takenAt.replace(/[:.]/g, '-');
  const comm = snapshot.process.comm.replace(/[^A-Za-z0-9_-]+/g, '_');
  return `numascope-${comm}-${snapshot.process.pid}-${stamp}`;
}

async function readSnapshotFile(file: File): Promise<{ snapshot: SnapshotFile; decoded: DecodedFile }> {
  if (file.size > DEFAULT_MAX_BYTES) throw new Error(`${formatBytes(file.size)} is larger than the limit of ${formatBytes(DEFAULT_MAX_BYTES)}`);
  const snapshot = parseSnapshot(await file.text());
  // Decoding is where the page limit applies; fail here, with the file name, rather than in the view.
  const decoded = decodeFile(snapshot);
  buildViewData(decoded.summary);
  return { snapshot, decoded };
}

/** Same regions in both (the layout of a fetched snapshot still matches the update shown). */
function sameRegions(a: PlacementSummary, b: SnapshotFile): boolean {
  return a.vmas.length === b.vmas.length && a.vmas.every((v, i) => v.start === b.vmas[i]?.start && v.end === b.vmas[i]?.end);
}

function sameProcess(a: PlacementSummary, b: PlacementSummary): boolean {
  return a.process.pid === b.process.pid && a.process.startTime === b.process.startTime;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function App({ transport, initialPid, initialIntervalMs }: Props) {
  const [topology, setTopology] = useState<Topology | null>(null);
  const [watch, setWatch] = useState<Watch | null>(null);
  const watchRef = useRef<Watch | null>(null);
  /** The watched process is gone: its last picture stays, nothing polls or moves. */
  const [exited, setExited] = useState<ProcessExited | null>(null);
  const [update, setUpdate] = useState<PlacementUpdate | null>(null);
  const [lastChange, setLastChange] = useState<{ changes: WireChanges; takenAt: string } | null>(null);
  const [scanProgress, setScanProgress] = useState<{ done: number; total: number } | null>(null);
  const [polling, setPolling] = useState<PollingState>({ paused: false, intervalMs: initialIntervalMs ?? 1000 });
  const [opened, setOpened] = useState<OpenedForViewing | null>(null);
  const [mode, setMode] = useState<'live' | 'file'>('live');
  const [compare, setCompare] = useState<OpenedFile | null>(null);
  /** The live placement in full, fetched only while comparing (a diff needs every page). */
  const [liveSnapshot, setLiveSnapshot] = useState<PlacementSnapshot | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const [moveTarget, setMoveTarget] = useState<number | null>(null);
  const [tracker, dispatch] = useReducer(moveReducer, initialMoveTracker);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [connection, setConnection] = useState<ConnectionState>('open');
  const heatmaps = useRef<HeatmapHandle | null>(null);

  const shown: PlacementSummary | null = mode === 'file' ? (opened?.decoded.summary ?? null) : (update?.placement ?? null);
  const built = useMemo((): { data: ViewData | null; error: string | null } => {
    if (shown === null) return { data: null, error: null };
    try {
      return { data: buildViewData(shown), error: null };
    } catch (error) {
      return { data: null, error: errorText(error) };
    }
  }, [shown]);
  const data = built.data;
  // The region table shows the placement the heatmaps have drawn, rendered in a transition once
  // that picture has been painted. For 512 regions it takes about 90 ms to render and 150-190 ms
  // of style and layout on a slow machine. As a deferred value it started right after the
  // heatmaps' commit; committed before their frame, it would have that frame begin with the
  // table's layout, and the heatmaps would wait for it.
  const [drawnData, setDrawnData] = useState<ViewData | null>(null);
  const cancelSettle = useRef<(() => void) | null>(null);
  const onDataDrawn = useCallback((drawn: ViewData) => {
    cancelSettle.current?.();
    cancelSettle.current = afterNextPaint(() => {
      cancelSettle.current = null;
      startTransition(() => setDrawnData(drawn));
    });
  }, []);
  useEffect(() => () => cancelSettle.current?.(), []);
  // Nothing shown (another process is being scanned, or the same one again): the next placement starts without a table.
  useEffect(() => {
    if (data !== null) return;
    cancelSettle.current?.();
    cancelSettle.current = null;
    setDrawnData(null);
  }, [data]);
  // Another process's rows never show, not even for the frame before its heatmaps are drawn.
  const tableData = data !== null && drawnData !== null && sameProcess(drawnData.summary, data.summary) ? drawnData : null;

  // One tile store per shown placement; a live one starts from the previous scan's window when the layout is unchanged.
  const previousShown = useRef<Shown | null>(null);
  const tiled = useMemo((): { tiles: TileStore | null; error: string | null } => {
    if (data === null) return { tiles: null, error: null };
    try {
      if (mode === 'file') return { tiles: opened === null ? null : fileTiles(opened.decoded), error: null };
      if (update === null || transport === null) return { tiles: null, error: null };
      return { tiles: liveTiles(update, transport, carriedFrom(previousShown.current, update, data.layout)), error: null };
    } catch (error) {
      return { tiles: null, error: errorText(error) };
    }
    // `data` changes exactly when the shown placement does.
  }, [data]);
  const tiles = tiled.tiles;
  useEffect(() => {
    previousShown.current = data !== null && tiles !== null && update !== null && mode === 'live' ? { update, layout: data.layout, tiles } : null;
  }, [data, tiles, mode]);

  // Events from the main process / server.
  useEffect(() => {
    if (transport === null) return;
    const offs = [
      transport.subscribe('placement:update', (payload) => {
        if (watchRef.current?.pid !== payload.placement.process.pid) return;
        mark(PLACEMENT_MARK, { sequence: payload.sequence, pages: payload.placement.totalPages });
        // Rendered, and drawn (HeatmapStack draws new data in its layout effect), in this task:
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
        setNotice({ kind: 'error', text: `Stopped watching pid ${payload.pid}: ${payload.message}` });
        watchRef.current = null;
        setWatch(null);
      }),
      transport.subscribe('placement:exited', (payload) => {
        if (watchRef.current?.pid !== payload.pid) return;
        setExited(payload);
        setScanProgress(null);
      }),
      transport.subscribe('move:progress', (event) => dispatch({ type: 'progress', event })),
      transport.subscribe('move:done', (result) => dispatch({ type: 'done', result })),
    ];
    const offConnection = transport.kind === 'http' ? transport.onConnection(setConnection) : () => undefined;
    return () => {
      for (const off of offs) off();
      offConnection();
    };
  }, [transport]);

  useEffect(() => {
    if (transport === null) return;
    void transport.request('system:topology', null).then((result) => {
      if (result.ok) setTopology(result.value);
      else setNotice({ kind: 'error', text: `Cannot read the topology: ${result.error.message}` });
    });
  }, [transport]);

  const watchPid = useCallback(
    async (pid: number) => {
      if (transport === null) return;
      const next: Watch = { pid, identity: null };
      watchRef.current = next;
      setWatch(next);
      setExited(null);
      setUpdate(null);
      setLastChange(null);
      setSelection(null);
      setCompare(null);
      setMode('live');
      setPickerOpen(false);
      setNotice(null);
      const result = await transport.request('process:watch', { pid, intervalMs: polling.intervalMs });
      if (watchRef.current !== next) return;
      if (result.ok) {
        const watched = { pid, identity: result.value };
        watchRef.current = watched;
        setWatch(watched);
      } else {
        watchRef.current = null;
        setWatch(null);
        // Not a failure: a kernel thread simply has nothing to show, and the message says why.
        if (result.error.code === 'KERNEL_THREAD') setNotice({ kind: 'info', text: result.error.message });
        else setNotice({ kind: 'error', text: `Cannot watch pid ${pid}: ${result.error.message}` });
      }
    },
    [transport, polling.intervalMs],
  );

  const started = useRef(false);
  useEffect(() => {
    if (started.current || initialPid === null || transport === null) return;
    started.current = true;
    void watchPid(initialPid);
  }, [initialPid, transport, watchPid]);

  const changePolling = async (change: Partial<PollingState>): Promise<void> => {
    if (transport === null) return;
    const result = await transport.request('process:polling', change);
    if (result.ok) setPolling(result.value);
    else setNotice({ kind: 'error', text: `Cannot change polling: ${result.error.message}` });
  };

  // Comparing a live process needs its every page: fetched for each scan that changed something, only while comparing.
  useEffect(() => {
    if (compare === null || mode !== 'live' || transport === null || update === null) return;
    if (liveSnapshot !== null && update.changes !== null && update.changes.total === 0 && sameRegions(update.placement, liveSnapshot.snapshot)) return;
    let current = true;
    void transport.request('placement:snapshot', null).then((result) => {
      if (!current) return;
      if (result.ok) setLiveSnapshot(result.value);
      else setNotice({ kind: 'error', text: `Cannot compare: ${result.error.message}` });
    });
    return () => {
      current = false;
    };
  }, [compare, mode, transport, update]);
  useEffect(() => {
    if (compare === null) setLiveSnapshot(null);
  }, [compare]);

  const shownSnapshot: SnapshotFile | null = mode === 'file' ? (opened?.snapshot ?? null) : (liveSnapshot?.snapshot ?? null);
  const diff = useMemo(() => {
    if (compare === null || shownSnapshot === null) return { value: null, error: null };
    try {
      return { value: diffSnapshots(compare.snapshot, shownSnapshot), error: null };
    } catch (error) {
      return { value: null, error: errorText(error) };
    }
  }, [compare, shownSnapshot]);

  const highlights = useMemo(() => {
    if (data === null) return [];
    if (diff.value !== null) return spansOfDiff(data.layout, diff.value);
    if (mode === 'live') return spansOfChanges(data.layout, update?.changes ?? null);
    return [];
  }, [data, diff.value, mode, update]);
  const changedPerRegion = useMemo(
    () => (data === null || (diff.value === null && (mode !== 'live' || update?.changes == null)) ? null : pagesPerRegion(data.layout, highlights)),
    [data, diff.value, mode, update, highlights],
  );

  const nodes = data?.topology.nodes ?? topology?.nodes ?? [];
  const live = mode === 'live' && watch !== null && exited === null;
  const canMove = transport !== null && live && data !== null;

  const onSelectFromHeatmap = useCallback((ranges: AddressRange[] | null, node: number | null) => {
    setSelection(ranges === null || ranges.length === 0 ? null : { ranges, node, regions: new Set() });
  }, []);

  const dataRef = useRef(data);
  dataRef.current = data;
  const onSelectRegion = useCallback((index: number, additive: boolean) => {
    const current = dataRef.current;
    if (current === null) return;
    setSelection((previous) => {
      const regions = new Set(additive && previous !== null ? previous.regions : []);
      if (additive && regions.has(index)) regions.delete(index);
      else regions.add(index);
      if (regions.size === 0) return null;
      return { ranges: regionRanges(current.layout, [...regions]), node: null, regions };
    });
    if (!additive) {
      const region = current.layout.regions[index];
      if (region !== undefined) setFocus((f) => ({ from: region.offset, to: region.offset + Math.max(region.pages, 1), seq: (f?.seq ?? 0) + 1 }));
    }
  }, []);

  const openMoveDialog = (node: number | null): void => {
    if (!canMove || selection === null) return;
    const fallback = nodes.find((n) => n.id !== selection.node)?.id ?? nodes[0]?.id ?? 0;
    setMoveTarget(node ?? fallback);
  };

  const confirmMove = async (request: MovePlanRequest): Promise<void> => {
    if (transport === null) return;
    setMoveTarget(null);
    dispatch({ type: 'starting', kind: 'move' });
    const result = await transport.request('move:start', request);
    dispatch(result.ok ? { type: 'started', moveId: result.value.moveId } : { type: 'failed', message: result.error.message });
  };

  const cancelMove = async (moveId: string): Promise<void> => {
    if (transport === null) return;
    dispatch({ type: 'cancelling' });
    const result = await transport.request('move:cancel', { moveId });
    if (!result.ok) setNotice({ kind: 'error', text: `Cannot cancel: ${result.error.message}` });
  };

  const undoMove = async (moveId: string): Promise<void> => {
    if (transport === null) return;
    dispatch({ type: 'starting', kind: 'undo' });
    const result = await transport.request('move:undo', { moveId });
    dispatch(result.ok ? { type: 'started', moveId: result.value.moveId } : { type: 'failed', message: result.error.message });
  };

  const exportJson = async (): Promise<void> => {
    let snapshot: SnapshotFile;
    if (mode === 'file') {
      if (opened === null) return;
      snapshot = opened.snapshot;
    } else {
      // The page holds only what it draws; the whole placement comes from the server on demand.
      if (transport === null || update === null) return;
      const result = await transport.request('placement:snapshot', null);
      if (!result.ok) {
        setNotice({ kind: 'error', text: `Cannot export the snapshot: ${result.error.message}` });
        return;
      }
      snapshot = result.value.snapshot;
    }
    download(new Blob([serializeSnapshot(snapshot)], { type: 'application/json' }), `${fileStem(snapshot)}.json`);
  };

  const exportPng = async (): Promise<void> => {
    if (shown === null) return;
    const blob = (await heatmaps.current?.toPng()) ?? null;
    if (blob === null) setNotice({ kind: 'error', text: 'Cannot export the heatmaps: nothing is drawn yet' });
    else download(blob, `${fileStem(shown)}-heatmaps.png`);
  };

  const openFile = async (file: File): Promise<void> => {
    try {
      mark(PLACEMENT_MARK, { file: file.name });
      const { snapshot, decoded } = await readSnapshotFile(file);
      setOpened({ name: file.name, snapshot, decoded });
      setMode('file');
      setSelection(null);
      setCompare(null);
      setNotice({ kind: 'info', text: `Showing ${file.name} offline: pid ${snapshot.process.pid} (${snapshot.process.comm}), taken ${new Date(snapshot.takenAt).toLocaleString()}` });
    } catch (error) {
      setNotice({ kind: 'error', text: `Cannot open ${file.name}: ${errorText(error)}` });
    }
  };

  const compareFile = async (file: File): Promise<void> => {
    try {
      setCompare({ name: file.name, snapshot: (await readSnapshotFile(file)).snapshot });
    } catch (error) {
      setNotice({ kind: 'error', text: `Cannot compare with ${file.name}: ${errorText(error)}` });
    }
  };

  const selectedPages = selection === null || data === null ? 0 : countPages(selection.ranges, data.layout.pageSize);
  const process = shown?.process ?? null;

  return (
    <div className="app">
      <header className="top">
        <h1>numascope</h1>
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
              {mode === 'file' ? (
                <span className="badge">offline: {opened?.name}</span>
              ) : exited !== null ? (
                <span className="badge exited" data-testid="exited-badge">
                  exited
                </span>
              ) : (
                <span className="badge live">live</span>
              )}{' '}
              <span className="muted">{process.cmdline.join(' ').slice(0, 120)}</span>
            </>
          ) : watch !== null ? (
            <span>{exited !== null ? `pid ${watch.pid} exited before its first scan` : `Scanning pid ${watch.pid}…`}</span>
          ) : (
            <span className="muted">{transport === null ? 'Offline viewer: open a snapshot file' : 'No process chosen'}</span>
          )}
        </div>
        <div className="actions">
          {transport !== null ? (
            <button type="button" onClick={() => setPickerOpen(true)}>
              Choose process…
            </button>
          ) : null}
          {mode === 'file' && watch !== null ? (
            <button type="button" onClick={() => setMode('live')}>
              Back to {exited !== null ? '' : 'live '}pid {watch.pid}
            </button>
          ) : null}
          <SnapshotControls
            canExport={shown !== null}
            onExportJson={() => void exportJson()}
            onExportPng={() => void exportPng()}
            onOpen={(file) => void openFile(file)}
            onCompare={(file) => void compareFile(file)}
          />
        </div>
      </header>

      {notice !== null ? (
        <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
          <span>{notice.text}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      ) : null}
      {built.error !== null ? <div className="notice error">Cannot show this placement: {built.error}</div> : null}
      {tiled.error !== null ? <div className="notice error">Cannot show this placement: {tiled.error}</div> : null}
      {diff.error !== null ? <div className="notice error">Cannot compare: {diff.error}</div> : null}
      {exited !== null && mode === 'live' ? (
        <div className="notice info" role="status" data-testid="exited-notice">
          <span>
            process {exited.pid} exited at {formatClock(exited.exitedAt)}; {exited.sequence !== null ? 'showing its last picture' : 'it exited before its first scan'}
          </span>
        </div>
      ) : null}
      {connection === 'lost' && mode === 'live' ? <div className="notice error">Lost the connection to the numascope server; retrying…</div> : null}

      <TopologyStrip
        nodes={nodes}
        order={data?.panelNodes ?? nodes.map((n) => n.id)}
        processPages={data?.total.byNode ?? null}
        pageSize={data?.layout.pageSize ?? topology?.pageSize ?? 4096}
        kernel={data?.topology.kernel ?? topology?.kernel ?? null}
        source={mode === 'file' ? 'snapshot' : 'live'}
      />

      {live ? (
        <div className="live-bar">
          <PollingBar
            polling={polling}
            takenAt={update?.placement.takenAt ?? null}
            scanMs={update?.scanMs ?? null}
            sequence={update?.sequence ?? null}
            scanProgress={scanProgress}
            onChange={(change) => void changePolling(change)}
          />
          {update !== null && compare === null ? <ChangesPanel kind="live" changes={update.changes} lastChange={lastChange} /> : null}
        </div>
      ) : null}
      {compare !== null && diff.value !== null ? (
        <ChangesPanel kind="compare" diff={diff.value} against={compare.name} againstTakenAt={compare.snapshot.takenAt} onClose={() => setCompare(null)} />
      ) : null}

      {data === null && transport !== null && watch === null && mode === 'live' ? (
        <section className="picker-inline" aria-label="Choose a process">
          <h2>Choose a process</h2>
          <ProcessPicker transport={transport} current={null} onPick={(pid) => void watchPid(pid)} />
        </section>
      ) : null}
      {data === null && transport === null ? (
        <section className="empty">
          <p>This page has no numascope server behind it. Open a snapshot file (made with “Export JSON” or `numascope snapshot PID -o FILE`) to look at it here.</p>
        </section>
      ) : null}

      {data !== null && tiles !== null ? (
        <>
          <Legend />
          <HeatmapStack
            data={data}
            tiles={tiles}
            nodes={nodes}
            highlights={highlights}
            selection={selection?.ranges ?? null}
            focus={focus}
            canMove={canMove}
            onSelect={onSelectFromHeatmap}
            onDrop={(node) => openMoveDialog(node)}
            onDataDrawn={onDataDrawn}
            handleRef={heatmaps}
          />
          <div className="selection-bar" aria-live="polite">
            {selection !== null ? (
              <>
                <span data-testid="selection-summary">
                  Selected {formatCount(selectedPages)} pages ({formatBytes(selectedPages * data.layout.pageSize)}) in {selection.ranges.length}{' '}
                  {selection.ranges.length === 1 ? 'range' : 'ranges'}
                </span>
                <button type="button" data-testid="move-to-node" onClick={() => openMoveDialog(null)} disabled={!canMove || tracker.state.phase === 'running'}>
                  Move to node…
                </button>
                <button type="button" onClick={() => setSelection(null)}>
                  Clear selection
                </button>
                {!canMove ? <span className="muted">{exited !== null ? 'the process has exited: nothing to move' : 'moving needs a live process'}</span> : null}
              </>
            ) : (
              <span className="muted">Drag across a heatmap or click regions below to select pages.</span>
            )}
          </div>
          <MoveStatus
            state={tracker.state}
            onCancel={(id) => void cancelMove(id)}
            onUndo={(id) => void undoMove(id)}
            onDismiss={() => dispatch({ type: 'dismiss' })}
          />
          {tableData !== null ? <RegionTable data={tableData} selected={selection?.regions ?? new Set()} changed={changedPerRegion} onSelect={onSelectRegion} /> : null}
        </>
      ) : null}

      {pickerOpen && transport !== null ? (
        <Dialog title="Choose a process" onClose={() => setPickerOpen(false)} className="picker-dialog">
          <ProcessPicker transport={transport} current={watch?.pid ?? null} onPick={(pid) => void watchPid(pid)} />
        </Dialog>
      ) : null}
      {moveTarget !== null && selection !== null && transport !== null && process !== null && data !== null ? (
        <MoveDialog
          transport={transport}
          pid={process.pid}
          comm={process.comm}
          startTime={process.startTime}
          pageSize={data.layout.pageSize}
          ranges={selection.ranges}
          nodes={nodes}
          initialNode={moveTarget}
          onClose={() => setMoveTarget(null)}
          onConfirm={(request) => void confirmMove(request)}
        />
      ) : null}
    </div>
  );
}
