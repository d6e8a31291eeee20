/**
 * The snapshot file as it sits on disk (docs/snapshot-format.md describes it for people).
 *
 * The types are inferred from the envelope's schema (envelope.ts) and are the shape of the
 * JSON itself: addresses stay "0x.." strings and statuses stay run-length encoded, so a
 * parsed file can be re-serialized byte for byte and other tools can read the file without
 * numascope (docs/snapshot.schema.json is generated from the same schema).
 * `decodePlacement` turns it into the domain model (bigint addresses, a status store per region,
 * bounded like the sampler's by the pages held one by one: MAX_HELD_PAGES in ../status-store.ts).
 *
 * Fields optional in files (`SnapshotFileInput`) may be absent from files written by hand or
 * by other tools; `parseSnapshot` fills them in, so a parsed `SnapshotFile` always has every
 * field. numascope always writes every field.
 */

export const SNAPSHOT_FORMAT = 'numascope-snapshot';
export const SNAPSHOT_VERSION = 1;

export type {
  HeatSection,
  SnapshotFile,
  SnapshotFileInput,
  SnapshotMemoryTier,
  SnapshotNode,
  SnapshotProcess,
  SnapshotRun,
  SnapshotTool,
  SnapshotTotals,
  SnapshotVma,
} from './envelope.js';

/** Statuses are node ids (>= 0) or negative errnos; the kernel's errnos stop at 4095. */
export const MAX_STATUS = 4095;
export const MIN_STATUS = -4095;

/**
 * Limits a writer and a reader agree on. They bound what a file stores (its bytes and its
 * runs), never the address span it covers: a 1 TiB reservation with a few pages touched is a
 * few runs. The writer checks them before writing, so it never writes a file the reader refuses.
 */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/**
 * Runs over all regions: 2^25 is about 33 million, a file of 200-450 MB (which the byte limit
 * may refuse first). The reader holds long runs lists in typed arrays at 10-20 bytes a run
 * (runs.ts), so opening a file at these limits peaks near 1 GiB (docs/snapshot-format.md, "Limits").
 */
export const DEFAULT_MAX_RUNS = 2 ** 25;

export interface ParseOptions {
  /** Refuse text longer than this many UTF-8 bytes. Default 256 MiB. */
  maxBytes?: number;
  /** Refuse snapshots with more runs than this over all regions. Default 2^25. */
  maxRuns?: number;
  /** Refuse snapshots covering more pages than this in total. Default: no limit (2^53 - 1). */
  maxPages?: number;
}
