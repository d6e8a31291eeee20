/**
 * The application: which placement is shown (the watched process, live, or a snapshot file
 * opened offline), the selection, and the move in progress. Each of these lives in a hook
 * (app/renderer/hooks/); views below get plain data and callbacks, and only the hooks talk
 * to the transport.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppTransport } from '../transport/pick.js';
import { useChangeHighlights } from '../hooks/useChangeHighlights.js';
import { useChangeWindow } from '../hooks/useChangeWindow.js';
import { useCompare } from '../hooks/useCompare.js';
import { useMoves } from '../hooks/useMoves.js';
import { useNotice } from '../hooks/useNotice.js';
import { useSelection } from '../hooks/useSelection.js';
import { useSettledTable } from '../hooks/useSettledTable.js';
import { useShownPlacement } from '../hooks/useShownPlacement.js';
import { useShownRegions } from '../hooks/useShownRegions.js';
import { useSnapshotFiles } from '../hooks/useSnapshotFiles.js';
import { useWatchedProcess } from '../hooks/useWatchedProcess.js';
import { unavailableShortcuts, useAppShortcuts } from '../hooks/useAppShortcuts.js';
import { useTheme } from '../hooks/useTheme.js';
import { useTimeline } from '../hooks/useTimeline.js';
import type { ShortcutAction } from '../model/shortcuts.js';
import { ChangesPanel } from './ChangesPanel.js';
import { ComparePanel } from './ComparePanel.js';
import { Dialog } from './Dialog.js';
import { HeatmapStack, type HeatmapHandle } from './HeatmapStack.js';
import { MoveDialog } from './MoveDialog.js';
import { MoveStatus } from './MoveStatus.js';
import { NoticeStack } from './NoticeStack.js';
import { PollingBar } from './PollingBar.js';
import { ProcessPicker } from './ProcessPicker.js';
import { RegionTable } from './RegionTable.js';
import { SelectionBar } from './SelectionBar.js';
import { ShortcutHelp } from './ShortcutHelp.js';
import { SnapshotControls } from './SnapshotControls.js';
import { SourceLine } from './SourceLine.js';
import { ThemeToggle } from './ThemeToggle.js';
import { TimelineChart } from './TimelineChart.js';
import { TimelineScrubber } from './TimelineScrubber.js';
import { TopologyStrip } from './TopologyStrip.js';
import { TotalsBar } from './TotalsBar.js';

interface Props {
  transport: AppTransport | null;
  initialPid: number | null;
  initialIntervalMs: number | null;
}

const NO_REGIONS: ReadonlySet<number> = new Set();

export function App({ transport, initialPid, initialIntervalMs }: Props) {
  const { notice, notify } = useNotice();
  const [pickerOpen, setPickerOpen] = useState(false);
  const heatmaps = useRef<HeatmapHandle | null>(null);
  const watched = useWatchedProcess(transport, initialIntervalMs, notify);
  const { topology, watch, exited, update } = watched;

  const files = useSnapshotFiles({ transport, update, heatmaps }, notify);
  // The hooks below see only the source shown: a live update does not disturb a file being looked at.
  const fileShown = files.mode === 'file' ? files.opened : null;
  const liveUpdate = files.mode === 'live' ? update : null;
  const placed = useShownPlacement(fileShown?.decoded ?? null, liveUpdate, transport);
  const { shown, errors } = placed;
  // Hiding the regions with no page present hides them everywhere: heatmaps, axis and table.
  const regionsShown = useShownRegions(placed.data, placed.tiles);
  const { data, tiles } = regionsShown;
  const table = useSettledTable(data);
  const changeWindow = useChangeWindow(liveUpdate);
  const compared = useCompare({ transport, liveUpdate, fileSnapshot: fileShown?.snapshot ?? null, fileName: fileShown?.name ?? null }, notify);
  const { highlights, changedPerRegion } = useChangeHighlights(data, compared.diff.value?.diff ?? null, files.mode === 'live', changeWindow.tally);
  const selecting = useSelection(data);
  const { selection } = selecting;
  const moves = useMoves(transport, notify);
  const history = useTimeline(update, moves.tracker.state);

  const { watchPid: startWatching } = watched;
  const { clear: clearSelection } = selecting;
  const { close: closeCompare } = compared;
  const { showLive } = files;
  const watchPid = useCallback(
    (pid: number) => {
      clearSelection();
      closeCompare();
      showLive();
      setPickerOpen(false);
      void startWatching(pid);
    },
    [clearSelection, closeCompare, showLive, startWatching],
  );
  const started = useRef(false);
  useEffect(() => {
    if (started.current || initialPid === null || transport === null) return;
    started.current = true;
    watchPid(initialPid);
  }, [initialPid, transport, watchPid]);

  const openFile = (file: File): void => {
    void files.openFile(file, () => {
      clearSelection();
      closeCompare();
    });
  };

  const nodes = data?.topology.nodes ?? topology?.nodes ?? [];
  const live = files.mode === 'live' && watch !== null && exited === null;
  const canMove = transport !== null && live && data !== null;
  const openMoveDialog = (node: number | null): void => {
    if (!canMove || selection === null) return;
    const fallback = nodes.find((n) => n.id !== selection.node)?.id ?? nodes[0]?.id ?? 0;
    moves.openDialog(node ?? fallback);
  };
  const process = shown?.process ?? null;

  const theme = useTheme();
  // The shortcuts the help leaves out, fixed when it opens; null while it is closed.
  const [help, setHelp] = useState<Set<ShortcutAction> | null>(null);
  const polling = live ? { paused: watched.polling.paused, change: (paused: boolean) => void watched.changePolling({ paused }) } : null;
  useAppShortcuts({
    heatmaps,
    openMove: () => {
      if (!canMove || selection === null || moves.tracker.state.phase === 'running') return false;
      openMoveDialog(null);
      return true;
    },
    move: moves.tracker.state,
    undo: (id) => void moves.undo(id),
    polling,
    toggleTheme: theme.toggle,
    openHelp: () => setHelp(unavailableShortcuts({ polling })),
  });

  return (
    <div className="app">
      <header className="top">
        <h1>numascope</h1>
        <SourceLine process={process} fileName={fileShown?.name ?? null} watchedPid={watch?.pid ?? null} exited={exited !== null} hasServer={transport !== null} />
        <div className="actions">
          {transport !== null ? (
            <button type="button" onClick={() => setPickerOpen(true)}>
              Choose process…
            </button>
          ) : null}
          {files.mode === 'file' && watch !== null ? (
            <button type="button" onClick={showLive}>
              Back to {exited !== null ? '' : 'live '}pid {watch.pid}
            </button>
          ) : null}
          <SnapshotControls
            canExport={shown !== null}
            onExportJson={() => void files.exportJson()}
            onExportPng={() => void files.exportPng(shown)}
            onOpen={openFile}
            onCompare={(file) => void compared.compareWith(file)}
          />
          <ThemeToggle theme={theme} />
          <button type="button" data-testid="shortcut-help-button" onClick={() => setHelp(unavailableShortcuts({ polling }))} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
            ?
          </button>
        </div>
      </header>

      <NoticeStack
        notice={notice}
        onDismiss={() => notify(null)}
        placementErrors={errors}
        compareError={compared.diff.error}
        exited={files.mode === 'live' ? exited : null}
        connectionLost={watched.connection === 'lost' && files.mode === 'live'}
      />

      {data !== null ? <TotalsBar data={data} /> : null}

      <TopologyStrip
        nodes={nodes}
        order={data?.panelNodes ?? nodes.map((n) => n.id)}
        processPages={data?.total.byNode ?? null}
        pageSize={data?.layout.pageSize ?? topology?.pageSize ?? 4096}
        kernel={data?.topology.kernel ?? topology?.kernel ?? null}
        source={files.mode === 'file' ? 'snapshot' : 'live'}
      />

      {live ? (
        <div className="live-bar">
          <PollingBar
            polling={watched.polling}
            takenAt={update?.placement.takenAt ?? null}
            scanMs={update?.scanMs ?? null}
            sequence={update?.sequence ?? null}
            scanProgress={watched.scanProgress}
            onChange={(change) => void watched.changePolling(change)}
          />
          {update !== null && compared.compare === null ? <ChangesPanel tally={changeWindow.tally} span={changeWindow.span} onSpan={changeWindow.setSpan} onClear={changeWindow.clear} /> : null}
        </div>
      ) : null}
      {compared.compare !== null && compared.diff.value !== null ? (
        <ComparePanel directed={compared.diff.value} onSwap={compared.swap} onClose={closeCompare} />
      ) : null}

      {live && data !== null && history.points.length > 0 ? (
        <TimelineChart
          points={history.points}
          marks={history.marks}
          panelNodes={data.panelNodes}
          pageSize={data.layout.pageSize}
          pictureOf={(sequence) => history.pictures.find((p) => p.sequence === sequence)?.tile ?? null}
        />
      ) : null}
      {fileShown?.timeline != null && data !== null ? (
        <TimelineScrubber timeline={fileShown.timeline} panelNodes={data.panelNodes} pageSize={data.layout.pageSize} onShow={files.showPoll} />
      ) : null}

      {data === null && transport !== null && watch === null && files.mode === 'live' ? (
        <section className="picker-inline" aria-label="Choose a process">
          <h2>Choose a process</h2>
          <ProcessPicker transport={transport} current={null} onPick={watchPid} />
        </section>
      ) : null}
      {data === null && transport === null ? (
        <section className="empty">
          <p>This page has no numascope server behind it. Open a snapshot file (made with “Export JSON” or `numascope snapshot PID -o FILE`) to look at it here.</p>
        </section>
      ) : null}

      {data !== null && tiles !== null ? (
        <>
          <HeatmapStack
            data={data}
            tiles={tiles}
            nodes={nodes}
            highlights={highlights}
            selection={selection?.ranges ?? null}
            focus={selecting.focus}
            canMove={canMove}
            onSelect={selecting.selectFromHeatmap}
            onDrop={(node) => openMoveDialog(node)}
            onDataDrawn={table.onDataDrawn}
            handleRef={heatmaps}
          />
          <SelectionBar
            ranges={selection?.ranges ?? null}
            pageSize={data.layout.pageSize}
            canMove={canMove}
            moving={moves.tracker.state.phase === 'running'}
            exited={exited !== null}
            onMove={() => openMoveDialog(null)}
            onClear={clearSelection}
          />
          <MoveStatus state={moves.tracker.state} onCancel={(id) => void moves.cancel(id)} onUndo={(id) => void moves.undo(id)} onDismiss={moves.dismiss} />
          {table.tableData !== null ? (
            <RegionTable
              data={table.tableData}
              hideEmpty={regionsShown.hideEmpty}
              onHideEmpty={regionsShown.setHideEmpty}
              selected={selection?.regions ?? NO_REGIONS} changed={changedPerRegion} onSelect={selecting.selectRegion} />
          ) : null}
        </>
      ) : null}

      {help !== null ? <ShortcutHelp unavailable={help} onClose={() => setHelp(null)} /> : null}
      {pickerOpen && transport !== null ? (
        <Dialog title="Choose a process" onClose={() => setPickerOpen(false)} className="picker-dialog">
          <ProcessPicker transport={transport} current={watch?.pid ?? null} onPick={watchPid} />
        </Dialog>
      ) : null}
      {moves.dialogTarget !== null && selection !== null && transport !== null && process !== null && data !== null ? (
        <MoveDialog
          transport={transport}
          pid={process.pid}
          comm={process.comm}
          startTime={process.startTime}
          pageSize={data.layout.pageSize}
          ranges={selection.ranges}
          nodes={nodes}
          initialNode={moves.dialogTarget}
          onClose={moves.closeDialog}
          onConfirm={(request) => void moves.confirm(request)}
        />
      ) : null}
    </div>
  );
}
