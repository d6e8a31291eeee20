/** The snapshot file: schema, codec, validation and diff. Pure TypeScript, browser safe. */
export * from './schema.js';
export { SnapshotError } from './error.js';
export { encodeSnapshot, serializeSnapshot, serializeSnapshotWithin, parseSnapshot, decodePlacement, encodeRuns, decodeRuns, type EncodeInput } from './codec.js';
export { validateSnapshot, describeMapping } from './validate.js';
export { diffPlacements, diffSnapshots, type PlacementDiff, type RegionDiff, type ChangedRange, type MappedRange, type StatusTransition } from './diff.js';
