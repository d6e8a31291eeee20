/**
 * The application: which placement is shown (the watched process, live, or a snapshot file
 * opened offline), the selection, and the move in progress. Each of these lives in a hook
 * (app/renderer/hooks/); views below get plain data and callbacks, and only the hooks talk
 * to the transport.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WireRecommendation } from '../../common/heat.js';
import type { AppTransport } from '../transport/pick.js';
import { useChangeHighlights } from '../hooks/useChangeHighlights.js';
import { useChangeWindow } from '../hooks/useChangeWindow.js';
import { useCompare } from '../hooks/useCompare.js';
import { useHeat } from '../hooks/useHeat.js';
import { useMoves } from '../hooks/useMoves.js';
import { useNotice } from '../hooks/useNotice.js';
import { useProcessUrl } from '../hooks/useProcessUrl.js';
import { useSelection } from '../hooks/useSelection.js';
import { useSettledTable } from '../hooks/useSettledTable.js';
import { useShownPlacement } from '../hooks/useShownPlacement.js';
import { useShownHeat } from '../hooks/useShownHeat.js';
import { useShownRegions } from '../hooks/useShownRegions.js';
import { useSnapshotFiles } from '../hooks/useSnapshotFiles.js';
import { useWatchedProcess } from '../hooks/useWatchedProcess.js';
import { unavailableShortcuts, useAppShortcuts } from '../hooks/useAppShortcuts.js';
import { useTheme } from '../hooks/useTheme.js';
import { positionOfAddress } from '../model/layout.js';
import { rangesOfSpan } from '../model/selection.js';
import { useTimeline } from '../hooks/useTimeline.js';
import type { ShortcutAction } from '../model/shortcuts.js';
import { ChangesPanel } from './ChangesPanel.js';
import { ComparePanel } from './ComparePanel.js';
import { Dialog } from './Dialog.js';
import { HeatPanel } from './HeatPanel.js';
import { HeatmapStack, type HeatmapHandle } from './HeatmapStack.js';
import { MoveDialog } from './MoveDialog.js';
import { MoveStatus } from './MoveStatus.js';
import { NodeMoveDialog } from './NodeMoveDialog.js';
import { NoticeStack } from './NoticeStack.js';
import { OneNodeNote } from './OneNodeNote.js';
import { PollingBar } from './PollingBar.js';
import { ProcessPicker } from './ProcessPicker.js';
import { RegionTable } from './RegionTable.js';
import { SelectionBar } from './SelectionBar.js';
import { ShortcutHelp } from './ShortcutHelp.js';
import { SnapshotControls } from './SnapshotControls.js';
import { SourceLine } from './SourceLine.js';
import { SystemView } from './SystemView.js';
import { ThemeToggle } from './ThemeToggle.js';
import { TimelineChart } from './TimelineChart.js';
import { TimelineScrubber } from './TimelineScrubber.js';
import { TopologyStrip } from './TopologyStrip.js';
import { TotalsBar } from './TotalsBar.js';

interface Props {
  transport: AppTransport | null;
  /** A snapshot to show at once: the one a report page carries. */
  initialFile: File | null;
  initialPid: number | null;
  initialIntervalMs: number | null;
}

const NO_REGIONS: ReadonlySet<number> = new Set();

export function App({ transport, initialFile, initialPid, initialIntervalMs }: Props) {
  const { notice, notify } = useNotice();
  const [pickerOpen, setPickerOpen] = useState(false);
  const heatmaps = useRef<HeatmapHandle | null>(null);
  const watched = useWatchedProcess(transport, initialIntervalMs, notify);
  const { topology, watch, exited, update } = watched;

  // Heat is measured on the watched process, and kept while that same process is watched.
  const watchedPid = update?.placement.process.pid ?? null;
  const watchedStart = update?.placement.process.startTime ?? null;
  const heatTarget = useMemo(() => (watchedPid === null || watchedStart === null || exited !== null ? null : { pid: watchedPid, startTime: watchedStart }), [watchedPid, watchedStart, exited]);
  const heat = useHeat(transport, heatTarget);
  const files = useSnapshotFiles({ transport, update, heatmaps, heat: heat.report?.measurement ?? null }, notify);
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
  const fileHeat = fileShown?.snapshot.heat ?? null;
  const shownHeat = useShownHeat(files.mode === 'file' ? fileHeat : (heat.report?.measurement ?? null), files.mode === 'live' ? heat.report : null, data, table.tableData);
  const [heatBand, setHeatBand] = useState(true);
  const history = useTimeline(update, moves.tracker.state, heat.lastInterval);

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
  const { unwatch: stopWatching } = watched;
  const closeProcess = useCallback(() => {
    clearSelection();
    closeCompare();
    showLive();
    setPickerOpen(false);
    void stopWatching();
  }, [clearSelection, closeCompare, showLive, stopWatching]);
  const { showSystem } = useProcessUrl({ watch: watched.watch, open: watchPid, close: closeProcess, notify });
  const started = useRef(false);
  useEffect(() => {
    if (started.current || initialPid === null || transport === null) return;
    started.current = true;
    watchPid(initialPid);
  }, [initialPid, transport, watchPid]);

  const { openFile: showFile } = files;
  const shownInitialFile = useRef(false);
  useEffect(() => {
    if (shownInitialFile.current || initialFile === null) return;
    shownInitialFile.current = true;
    // Nothing was shown before it, so there is nothing to reset.
    void showFile(initialFile, () => undefined);
  }, [initialFile, showFile]);

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
  // The landing page: the whole machine, until a process (or a file) is opened.
  const systemShown = data === null && transport !== null && watch === null && files.mode === 'live';
  // Advice opens the usual move dialog on the recommendation's pages, as if brushed on its node.
  const moveAdvised = (item: WireRecommendation): void => {
    if (!canMove || data === null) return;
    const from = positionOfAddress(data.layout, BigInt(item.start)).page;
    const to = positionOfAddress(data.layout, BigInt(item.end));
    const ranges = rangesOfSpan(data.layout, from, to.page + (to.fraction > 0 ? 1 : 0));
    if (ranges.length === 0) return;
    selecting.selectFromHeatmap(ranges, item.fromNode);
    moves.openDialog(item.toNode);
  };
  // With one node there is nowhere to move a whole node's pages: its label offers nothing.
  const withMemory = data?.topology.withMemory ?? topology?.withMemory ?? [];

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
          {transport !== null && (watch !== null || files.mode === 'file') ? (
            <button type="button" onClick={showSystem} data-testid="system-view-button" title="Every process and node of this machine">
              System view
            </button>
          ) : null}
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

      <OneNodeNote withMemory={withMemory} />

      {data !== null ? <TotalsBar data={data} /> : null}

      {systemShown ? null : (
        <TopologyStrip
          nodes={nodes}
          order={data?.panelNodes ?? nodes.map((n) => n.id)}
          processPages={data?.total.byNode ?? null}
          pageSize={data?.layout.pageSize ?? topology?.pageSize ?? 4096}
          kernel={data?.topology.kernel ?? topology?.kernel ?? null}
          source={files.mode === 'file' ? 'snapshot' : 'live'}
        />
      )}

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
          heat={history.heat}
          panelNodes={data.panelNodes}
          pageSize={data.layout.pageSize}
          pictureOf={(sequence) => history.pictures.find((p) => p.sequence === sequence)?.tile ?? null}
        />
      ) : null}
      {fileShown?.timeline != null && data !== null ? (
        <TimelineScrubber timeline={fileShown.timeline} panelNodes={data.panelNodes} pageSize={data.layout.pageSize} onShow={files.showPoll} />
      ) : null}

      {systemShown && transport !== null ? <SystemView transport={transport} onPick={watchPid} /> : null}
      {data === null && transport === null && initialFile === null ? (
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
            {...(withMemory.length > 1 ? { onNodeMove: moves.openNodeDialog } : {})}
            onDataDrawn={table.onDataDrawn}
            handleRef={heatmaps}
            heat={heatBand && shownHeat.spans !== null && shownHeat.measurement !== null ? { spans: shownHeat.spans, label: shownHeat.measurement.label } : null}
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
          <HeatPanel
            heat={live ? heat : null}
            measurement={shownHeat.measurement}
            report={shownHeat.report}
            canMove={canMove && moves.tracker.state.phase !== 'running'}
            onMove={moveAdvised}
            band={heatBand}
            onBand={setHeatBand}
          />
          {table.tableData !== null ? (
            <RegionTable
              data={table.tableData}
              hideEmpty={regionsShown.hideEmpty}
              onHideEmpty={regionsShown.setHideEmpty}
              selected={selection?.regions ?? NO_REGIONS} changed={changedPerRegion} onSelect={selecting.selectRegion}
              heat={shownHeat.regionHeat} locality={shownHeat.regionLocality} />
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
      {moves.nodeDialog !== null && canMove && process !== null ? (
        <NodeMoveDialog
          transport={transport}
          pid={process.pid}
          comm={process.comm}
          startTime={process.startTime}
          fromNode={moves.nodeDialog.from}
          initialTarget={moves.nodeDialog.to}
          nodes={nodes}
          onClose={moves.closeNodeDialog}
          onConfirm={(request) => void moves.confirmNode(request)}
        />
      ) : null}
    </div>
  );
}
