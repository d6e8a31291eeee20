/** `numascope migrate`: move every page of a process from some nodes to others. */
import { NodeListError, formatNodeList, parseNodeList } from '../../../common/nodelist.js';
import { MigratorError, migrateProcess, type MigrateResult } from '../../migrator/index.js';
import { checkMoveAllAllowed, readNodeFacts } from '../../migrator/preflight.js';
import { requireInspectable } from '../../proc/access.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from '../command.js';
import { formatCount, plural, terminalSafe } from '../format.js';
import type { MoveCounts } from '../../../common/types.js';
import { expectedIdentity, identityJson, parseProcessCommandLine, PROCESS_OPTIONS_HELP, withJsonErrors } from './process-options.js';

const HELP = `usage: numascope migrate <pid> --from NODES --to NODES [--json]

Moves every page of a process that sits on a node of --from to the matching node of --to,
with migrate_pages(2) (what the migratepages tool does). NODES uses numactl's node-list
syntax: 0-1,3. The kernel pairs the sets by position in ascending order: the n-th source
node goes to the (n mod size)-th target node, so equal-size sets map one to one, and a
single target node takes everything (--from 0-3 --to 4). The summary shows the pairs and
the pages per node before and after, from /proc/PID/numa_maps.

Pages shared with other processes move only when run with CAP_SYS_NICE (root); target
nodes must be in the process's cpuset (Mems_allowed_list). One system call: it shows no
progress and cannot be interrupted once started.

--json prints one object with the fields move --json has where they mean the same (pid,
comm, startTime, moveAll, outcome, message, error, pageSize, counts, failures, durationMs)
and migrate's own: fromNodes, toNodes, mapping, notMoved (the kernel's count; it never
says which pages or why, so failures is empty) and totals (pages per node before and after).

options:
  --from NODES       source nodes
  --to NODES         target nodes
${PROCESS_OPTIONS_HELP}

exit status:
  0  the kernel moved every page it was asked to (it reported 0 pages not moved)
  1  some pages could not be moved, or the migration could not run (the reason is on stderr)
  2  bad command line

examples:
  numascope migrate 4242 --from 0 --to 1
  numascope migrate 4242 --from 0-1 --to 2-3      # 0 -> 2, 1 -> 3
  sudo numascope migrate 4242 --from 0,1 --to 2 --json`;

function nodeList(text: string | undefined, option: string): number[] {
  if (text === undefined) throw new UsageError(`missing ${option} NODES`);
  if (/^-\d/.test(text)) throw new UsageError(`${option} "${text}" is not a node list: nodes are numbered from 0, as \`numascope topology\` lists them (e.g. 0-1,3)`);
  let nodes: number[];
  try {
    nodes = parseNodeList(text);
  } catch (error) {
    if (error instanceof NodeListError) throw new UsageError(`${option}: ${error.message}`);
    throw error;
  }
  if (nodes.length === 0) throw new UsageError(`${option} names no node`);
  if (nodes.some((node) => node >= 1024)) throw new UsageError(`${option} "${text}": node numbers stop at 1023`);
  return nodes;
}

/**
 * The kernel quietly skips a source node that does not exist (it can hold no pages), which
 * would report a migration that could not have moved anything: say so instead.
 */
async function checkSourceNodes(pid: number, from: readonly number[]): Promise<void> {
  const { online } = await readNodeFacts(pid);
  const missing = from.filter((node) => !online.includes(node));
  if (missing.length > 0) {
    throw new MigratorError('ENODEV', pid, `--from: node${missing.length > 1 ? 's' : ''} ${formatNodeList(missing)} ${missing.length > 1 ? 'do' : 'does'} not exist on this machine (online nodes: ${formatNodeList(online)})`);
  }
}

export function formatMigrateSummary(result: MigrateResult): string {
  const moving = result.mapping.filter(([from, to]) => from !== to);
  const lines = [
    `process ${result.identity.pid} (${terminalSafe(result.identity.comm)}): migrated from nodes ${formatNodeList(result.fromNodes)} to ${formatNodeList(result.toNodes)} in ${(result.durationMs / 1000).toFixed(2)} s` +
      (result.notMoved > 0 ? `; ${formatCount(result.notMoved)} pages could not be moved` : ''),
    `  pairs: ${moving.length > 0 ? moving.map(([from, to]) => `${from} -> ${to}`).join(', ') : 'none (every source node maps onto itself)'}`,
    `  ${'node'.padStart(6)}  ${'pages before'.padStart(14)}  ${'pages after'.padStart(14)}`,
    ...result.totals.map((t) => `  ${String(t.node).padStart(6)}  ${formatCount(t.before).padStart(14)}  ${formatCount(t.after).padStart(14)}`),
    `  process start ${result.identity.startTime} (for --expect-start)`,
  ];
  return lines.join('\n');
}

/**
 * The counts `move --json` reports, from numa_maps before the call and the kernel's count of
 * pages not moved (migrate_pages says how many, never which or why, so `failures` stays empty).
 */
export function migrateCounts(result: MigrateResult): MoveCounts {
  let requested = 0;
  let alreadyOnTarget = 0;
  for (const [from, to] of result.mapping) {
    const pages = result.totals.find((t) => t.node === from)?.before ?? 0;
    requested += pages;
    if (from === to) alreadyOnTarget += pages;
  }
  const toMove = requested - alreadyOnTarget;
  const failed = Math.min(result.notMoved, toMove);
  return { requested, unmapped: 0, notPresent: 0, alreadyOnTarget, toMove, moved: toMove - failed, failed, notAttempted: 0 };
}

/** One line, as `move --json`'s message. */
function migrateMessage(result: MigrateResult, counts: MoveCounts): string {
  const moved = `${plural(counts.moved, 'page')} moved from nodes ${formatNodeList(result.fromNodes)} to ${formatNodeList(result.toNodes)}`;
  return result.notMoved > 0 ? `${moved}; ${formatCount(result.notMoved)} could not be moved (pinned, busy, or no free memory on the target node)` : moved;
}

/**
 * The same fields as `move --json` where they mean the same (who, outcome, message, error,
 * counts, failures, duration), then migrate's own: the node pairs, the kernel's count and the
 * per-node totals before and after.
 */
export function migrateResultJson(result: MigrateResult, moveAll: boolean): object {
  const counts = migrateCounts(result);
  return {
    ...identityJson(result.identity),
    fromNodes: result.fromNodes,
    toNodes: result.toNodes,
    moveAll,
    outcome: 'complete',
    message: migrateMessage(result, counts),
    error: null,
    pageSize: result.pageSize,
    counts,
    failures: [],
    mapping: result.mapping,
    notMoved: result.notMoved,
    totals: result.totals,
    durationMs: result.durationMs,
  };
}

export const migrateCommand: Command = {
  name: 'migrate',
  help: HELP,
  async run(args, io) {
    const { values, pid } = parseProcessCommandLine(args, { from: { type: 'string' }, to: { type: 'string' } });
    const from = nodeList(values.from, '--from');
    const to = nodeList(values.to, '--to');
    const expected = await expectedIdentity(pid, values['expect-start']);
    const result = await withJsonErrors(pid, values.json, io, async () => {
      await requireInspectable(pid);
      await checkSourceNodes(pid, from);
      return migrateProcess(pid, from, to, expected, { signal: io.signal });
    });
    // Shared pages move only with CAP_SYS_NICE, as with move --all: say which it was.
    const moveAll = values.json ? await checkMoveAllAllowed(pid).then(() => true, () => false) : false;
    io.stdout(values.json ? `${JSON.stringify(migrateResultJson(result, moveAll))}\n` : `${formatMigrateSummary(result)}\n`);
    if (result.notMoved === 0) return EXIT_OK;
    io.stderr(`numascope migrate: ${formatCount(result.notMoved)} pages could not be moved (pinned, busy, or no free memory on the target node)\n`);
    return EXIT_FAILURE;
  },
};
