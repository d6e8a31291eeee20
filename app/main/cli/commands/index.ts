import type { Command } from '../command.js';
import { migrateCommand } from './migrate.js';
import { moveCommand } from './move.js';
import { openCommand } from './open.js';
import { psCommand } from './ps.js';
import { serveCommand } from './serve.js';
import { snapshotCommand } from './snapshot.js';
import { topologyCommand } from './topology.js';

/** Every sub-command, in the order `numascope --help` lists them. */
export const commands: Command[] = [snapshotCommand, topologyCommand, openCommand, psCommand, moveCommand, migrateCommand, serveCommand];
