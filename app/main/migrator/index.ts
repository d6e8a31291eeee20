/** Moving a process's memory between NUMA nodes: ranges with move_pages, everything with migrate_pages. */
export { MigratorError, type MigratorErrorCode } from './errors.js';
export {
  moveRanges,
  statusRuns,
  undoMove,
  type MoveCounts,
  type MoveOptions,
  type MoveOutcome,
  type MoveProgress,
  type MoveRequest,
  type MoveResult,
  type StatusCount,
  type UndoPlan,
} from './move.js';
export { migrateProcess, type MigrateOptions, type MigrateResult, type NodeTotals } from './migrate.js';
export { moveNode, type NodeMoveRequest } from './node-move.js';
export { nodeRemap, runLength, type AddressRange } from './plan.js';
