/**
 * Snapshot files in and out: a file opened to look at offline (which the view then shows
 * instead of the live process until asked to go back), and the export of what is shown as
 * JSON or as a PNG of the heatmaps.
 */
import { useCallback, useState, type RefObject } from 'react';
import type { PlacementUpdate } from '../../common/ipc.js';
import { serializeSnapshot } from '../../common/snapshot/codec.js';
import type { HeatSection, SnapshotFile } from '../../common/snapshot/schema.js';
import { mark, PLACEMENT_MARK } from '../heatmap/marks.js';
import { errorText, snapshotFileStem } from '../model/snapshot-file.js';
import { readOpenedFile, timelinePoll, type OpenedTimeline } from '../model/timeline-file.js';
import type { DecodedFile } from '../model/sources.js';
import type { AppTransport } from '../transport/pick.js';
import { download } from '../components/download.js';
import type { HeatmapHandle } from '../components/HeatmapStack.js';
import type { Notify } from './useNotice.js';

export interface OpenedFile {
  name: string;
  snapshot: SnapshotFile;
  decoded: DecodedFile;
  /** Set when the file is a timeline: `snapshot` and `decoded` are then its poll `timeline.index`. */
  timeline: OpenedTimeline | null;
}

export type ShownSource = 'live' | 'file';

export interface SnapshotFiles {
  mode: ShownSource;
  opened: OpenedFile | null;
  /** Opens a file and shows it; `onShown` runs in the same update, to reset what belonged to the view before. */
  openFile(file: File, onShown: () => void): Promise<void>;
  showLive(): void;
  /** Shows poll `index` of the opened timeline. */
  showPoll(index: number): void;
  exportJson(): Promise<void>;
  /** `shown` is the header of what is shown, for the file name. */
  exportPng(shown: Pick<SnapshotFile, 'takenAt' | 'process'> | null): Promise<void>;
}

interface Exported {
  transport: AppTransport | null;
  /** The watched process's latest update, exported when live. */
  update: PlacementUpdate | null;
  heatmaps: RefObject<HeatmapHandle | null>;
  /** The heat measured on the watched process, exported with it (a file keeps its own). */
  heat?: HeatSection | null;
}

export function useSnapshotFiles({ transport, update, heatmaps, heat = null }: Exported, notify: Notify): SnapshotFiles {
  const [opened, setOpened] = useState<OpenedFile | null>(null);
  const [mode, setMode] = useState<ShownSource>('live');

  const openFile = useCallback(
    async (file: File, onShown: () => void): Promise<void> => {
      try {
        mark(PLACEMENT_MARK, { file: file.name });
        const { snapshot, decoded, timeline } = await readOpenedFile(file);
        setOpened({ name: file.name, snapshot, decoded, timeline });
        setMode('file');
        onShown();
        const what = timeline === null ? 'taken' : `a timeline of ${timeline.points.length} polls recorded from`;
        notify({ kind: 'info', text: `Showing ${file.name} offline: pid ${snapshot.process.pid} (${snapshot.process.comm}), ${what} ${new Date(snapshot.takenAt).toLocaleString()}` });
      } catch (error) {
        notify({ kind: 'error', text: `Cannot open ${file.name}: ${errorText(error)}` });
      }
    },
    [notify],
  );

  const showLive = useCallback(() => setMode('live'), []);

  const showPoll = useCallback(
    (index: number): void => {
      const current = opened;
      if (current?.timeline == null || index === current.timeline.index) return;
      try {
        const { snapshot, decoded } = timelinePoll(current.timeline.replay, index);
        setOpened({ ...current, snapshot, decoded, timeline: { ...current.timeline, index } });
      } catch (error) {
        notify({ kind: 'error', text: `Cannot show poll ${index}: ${errorText(error)}` });
      }
    },
    [opened, notify],
  );

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
        notify({ kind: 'error', text: `Cannot export the snapshot: ${result.error.message}` });
        return;
      }
      snapshot = result.value.snapshot;
      const { process } = snapshot;
      if (heat !== null && update.placement.process.pid === process.pid && update.placement.process.startTime === process.startTime) snapshot = { ...snapshot, heat };
    }
    download(new Blob([serializeSnapshot(snapshot)], { type: 'application/json' }), `${snapshotFileStem(snapshot)}.json`);
  };

  const exportPng = async (shown: Pick<SnapshotFile, 'takenAt' | 'process'> | null): Promise<void> => {
    if (shown === null) return;
    const blob = (await heatmaps.current?.toPng()) ?? null;
    if (blob === null) notify({ kind: 'error', text: 'Cannot export the heatmaps: nothing is drawn yet' });
    else download(blob, `${snapshotFileStem(shown)}-heatmaps.png`);
  };

  return { mode, opened, openFile, showLive, showPoll, exportJson, exportPng };
}
