/**
 * Comparing what is shown with a snapshot file: the file compared with, the shown placement
 * in full (a diff needs every page; for a live process it is fetched for each scan that
 * changed something, only while comparing), and the diff. The diff always reads from the
 * earlier snapshot to the later one, whichever was opened first, unless the user swaps it.
 */
import { useCallback, useEffect, useEffectEvent, useMemo, useState } from 'react';
import type { PlacementSnapshot, PlacementUpdate } from '../../common/ipc.js';
import { diffInTimeOrder, type DirectedDiff } from '../../common/snapshot/diff.js';
import type { SnapshotFile } from '../../common/snapshot/schema.js';
import { sameRegions } from '../model/shown-identity.js';
import { errorText, readSnapshotFile } from '../model/snapshot-file.js';
import type { AppTransport } from '../transport/pick.js';
import type { Notify } from './useNotice.js';

export interface ComparedFile {
  name: string;
  snapshot: SnapshotFile;
}

export interface Compare {
  compare: ComparedFile | null;
  diff: { value: DirectedDiff | null; error: string | null };
  compareWith(file: File): Promise<void>;
  /** Reads the comparison the other way round (later -> earlier), or back. */
  swap(): void;
  close(): void;
}

interface Shown {
  transport: AppTransport | null;
  /** The live update shown, or null when a file is shown. */
  liveUpdate: PlacementUpdate | null;
  /** The snapshot file shown offline, or null when live. */
  fileSnapshot: SnapshotFile | null;
  /** The name of the file shown, when a file is shown. */
  fileName: string | null;
}

export function useCompare({ transport, liveUpdate, fileSnapshot, fileName }: Shown, notify: Notify): Compare {
  const [compare, setCompare] = useState<ComparedFile | null>(null);
  const [swapped, setSwapped] = useState(false);
  const [liveSnapshot, setLiveSnapshot] = useState<PlacementSnapshot | null>(null);

  // The snapshot fetched before still holds for an update that changed no page on the same regions.
  const stillCurrent = useEffectEvent((update: PlacementUpdate): boolean => {
    return liveSnapshot !== null && update.changes !== null && update.changes.total === 0 && sameRegions(update.placement, liveSnapshot.snapshot);
  });
  useEffect(() => {
    if (compare === null || transport === null || liveUpdate === null) return;
    if (stillCurrent(liveUpdate)) return;
    let current = true;
    void transport.request('placement:snapshot', null).then((result) => {
      if (!current) return;
      if (result.ok) setLiveSnapshot(result.value);
      else notify({ kind: 'error', text: `Cannot compare: ${result.error.message}` });
    });
    return () => {
      current = false;
    };
  }, [compare, transport, liveUpdate, notify]);
  useEffect(() => {
    if (compare === null) setLiveSnapshot(null);
  }, [compare]);

  const shownSnapshot = fileSnapshot ?? liveSnapshot?.snapshot ?? null;
  const shownName = fileSnapshot !== null ? (fileName ?? 'the file shown') : `live pid ${shownSnapshot?.process.pid ?? ''}`;
  const diff = useMemo(() => {
    if (compare === null || shownSnapshot === null) return { value: null, error: null };
    try {
      return { value: diffInTimeOrder(compare, { name: shownName, snapshot: shownSnapshot }, swapped), error: null };
    } catch (error) {
      return { value: null, error: errorText(error) };
    }
  }, [compare, shownSnapshot, shownName, swapped]);

  const compareWith = useCallback(
    async (file: File): Promise<void> => {
      try {
        setCompare({ name: file.name, snapshot: (await readSnapshotFile(file)).snapshot });
        setSwapped(false);
      } catch (error) {
        notify({ kind: 'error', text: `Cannot compare with ${file.name}: ${errorText(error)}` });
      }
    },
    [notify],
  );
  const close = useCallback(() => setCompare(null), []);
  const swap = useCallback(() => setSwapped((value) => !value), []);
  return { compare, diff, compareWith, swap, close };
}
