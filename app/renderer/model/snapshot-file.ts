/** Snapshot files the user picks (to view or to compare with) and the names of the files exported. */
import { parseSnapshot } from '../../common/snapshot/codec.js';
import { DEFAULT_MAX_BYTES, type SnapshotFile } from '../../common/snapshot/schema.js';
import { buildViewData } from './data.js';
import { formatBytes } from './format.js';
import { decodeFile, type DecodedFile } from './sources.js';

/** Reads, validates and decodes a snapshot file, failing early (with the file's own reason) on anything the view could not show. */
export async function readSnapshotFile(file: Pick<Blob, 'size' | 'text'>): Promise<{ snapshot: SnapshotFile; decoded: DecodedFile }> {
  if (file.size > DEFAULT_MAX_BYTES) throw new Error(`${formatBytes(file.size)} is larger than the limit of ${formatBytes(DEFAULT_MAX_BYTES)}`);
  const snapshot = parseSnapshot(await file.text());
  // Decoding is where the page limit applies; fail here, with the file name, rather than in the view.
  const decoded = decodeFile(snapshot);
  buildViewData(decoded.summary);
  return { snapshot, decoded };
}

/** `numascope-COMM-PID-TAKENAT`, with only characters every file system takes. */
export function snapshotFileStem(snapshot: Pick<SnapshotFile, 'takenAt' | 'process'>): string {
  const stamp = snapshot.takenAt.replace(/[:.]/g, '-');
  const comm = snapshot.process.comm.replace(/[^A-Za-z0-9_-]+/g, '_');
  return `numascope-${comm}-${snapshot.process.pid}-${stamp}`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
