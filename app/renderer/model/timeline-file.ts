/** A file the user opens: a snapshot, or a timeline played back one poll at a time. */
import { encodeSnapshot } from '../../common/snapshot/codec.js';
import { DEFAULT_MAX_BYTES, type SnapshotFile } from '../../common/snapshot/schema.js';
import { isTimelineText, parseTimeline, TimelineReplay } from '../../common/timeline/index.js';
import { formatBytes } from './format.js';
import { readSnapshotFile } from './snapshot-file.js';
import { decodeFile, type DecodedFile } from './sources.js';
import { marksOfTimeline, pointsOfTimeline, type ChartMark, type PollPoint } from './timeline.js';

export interface OpenedTimeline {
  replay: TimelineReplay;
  /** The poll shown. */
  index: number;
  points: PollPoint[];
  marks: ChartMark[];
}

export interface ReadFile {
  snapshot: SnapshotFile;
  decoded: DecodedFile;
  timeline: OpenedTimeline | null;
}

/** Poll `index` of a timeline as a snapshot, decoded for drawing like any opened file. */
export function timelinePoll(replay: TimelineReplay, index: number): { snapshot: SnapshotFile; decoded: DecodedFile } {
  const snapshot = encodeSnapshot({ placement: replay.placementAt(index), topology: replay.topology, tool: replay.timeline.header.tool });
  return { snapshot, decoded: decodeFile(snapshot) };
}

export async function readOpenedFile(file: Pick<Blob, 'size' | 'text'>): Promise<ReadFile> {
  if (file.size > DEFAULT_MAX_BYTES) throw new Error(`${formatBytes(file.size)} is larger than the limit of ${formatBytes(DEFAULT_MAX_BYTES)}`);
  const text = await file.text();
  if (!isTimelineText(text)) return { ...(await readSnapshotFile({ size: file.size, text: () => Promise.resolve(text) })), timeline: null };
  const timeline = parseTimeline(text);
  const replay = new TimelineReplay(timeline);
  return { ...timelinePoll(replay, 0), timeline: { replay, index: 0, points: pointsOfTimeline(timeline), marks: marksOfTimeline(timeline) } };
}
