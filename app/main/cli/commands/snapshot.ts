import { encodeSnapshot, serializeSnapshot } from '../../../common/snapshot/codec.js';
import { requireInspectable } from '../../proc/access.js';
import { scanProcess } from '../../sampler/scan.js';
import { checkSnapshotOutput, writeSnapshotText } from '../../snapshot/io.js';
import { readTopology } from '../../system/topology.js';
import { EXIT_OK, parseCommandLine, parsePid, progressLine, UsageError, type Command } from '../command.js';
import { formatCount, plural, terminalSafe } from '../format.js';
import { TOOL } from '../../tool.js';

export const snapshotCommand: Command = {
  name: 'snapshot',
  help: `usage: numascope snapshot <pid> [-o FILE]

Asks the kernel (move_pages in query mode) on which NUMA node each mapped page of
process <pid> sits and writes a snapshot: the process's identity, the topology and,
per memory region, the per-page placement run-length encoded. The format is
documented in docs/snapshot-format.md; \`numascope open FILE\` reads it back.

options:
  -o, --output FILE   write the snapshot to FILE instead of stdout: a regular file is
                      replaced atomically keeping its mode, a symlink's target is
                      replaced, a pipe or device is written to; \`-\` is stdout
  -h, --help

Progress is shown on stderr when stderr is a terminal. With -o, a line on stderr
names the process and its start time (start T), in the form --expect-start of
\`move\` and \`migrate\` takes. Reading another user's process needs root or
CAP_SYS_PTRACE; a kernel thread has no user memory and is refused.

examples:
  numascope snapshot 1234 -o before.json
  numascope snapshot $(pidof postgres | cut -d' ' -f1) | jq .totals`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { output: { type: 'string', short: 'o' } });
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const pid = parsePid(positionals[0]);
    if (values.output === '') throw new UsageError('--output needs a file name');
    // Refuse unusable outputs, kernel threads, zombies and unreadable processes in words
    // before scanning.
    if (values.output !== undefined) await checkSnapshotOutput(values.output);
    await requireInspectable(pid);
    const progress = progressLine(io, `scanning ${pid}`);
    const topology = await readTopology();
    let result;
    try {
      result = await scanProcess(pid, { thread: 'auto', signal: io.signal, onProgress: (done, total) => progress.update(done, total), pageSize: topology.pageSize });
    } finally {
      progress.done();
    }
    const file = encodeSnapshot({ placement: result.placement, topology, tool: TOOL });
    const text = serializeSnapshot(file);
    const output = await writeSnapshotText(values.output ?? '-', text.endsWith('\n') ? text : `${text}\n`, {
      signal: io.signal,
      onWaitingForReader: (path) => io.stderr(`numascope snapshot: waiting for a reader on ${path}\n`),
    });
    if (output.kind !== 'stdout') {
      const nodes = Object.entries(file.totals.byNode).map(([node, pages]) => `node ${node}: ${formatCount(pages)}`).join(', ');
      const p = file.process;
      const where = output.written === values.output ? output.written : `${values.output ?? '-'} -> ${output.written}`;
      io.stderr(`numascope: wrote ${terminalSafe(where)}: ${plural(file.vmas.length, 'region')}, ${plural(result.stats.totalPages, 'page')} (${nodes || 'none resident'}) in ${Math.round(result.stats.durationMs)} ms; process ${p.pid} (${terminalSafe(p.comm)}), start ${p.startTime}\n`);
    }
    return EXIT_OK;
  },
};
