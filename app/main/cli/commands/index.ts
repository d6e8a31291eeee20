import type { Command } from '../command.js';
import { openCommand } from './open.js';
import { psCommand } from './ps.js';
import { snapshotCommand } from './snapshot.js';
import { topologyCommand } from './topology.js';

/** Every sub-command, in the order `numascope --help` lists them. */
export const commands: Command[] = [snapshotCommand, topologyCommand, openCommand, psCommand];
