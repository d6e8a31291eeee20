import { hostname } from 'node:os';
import { basename } from 'node:path';
import { formatBytes } from '../../../common/format.js';
import { encodeSnapshot, serializeSnapshot, type SnapshotFile } from '../../../common/snapshot/index.js';
import { checkOutput, writeOutput } from '../../files/output.js';
import { requireInspectable } from '../../proc/access.js';
import { readRendererFiles, reportHtml } from '../../report/report-page.js';
import { scanProcess } from '../../sampler/scan.js';
import { readSnapshotFile } from '../../snapshot/io.js';
import { readTopology } from '../../system/topology.js';
import { TOOL } from '../../tool.js';
import { EXIT_OK, parseCommandLine, parsePid, progressLine, UsageError, type CliIO, type Command } from '../command.js';
import { terminalSafe } from '../format.js';

/** The snapshot a report shows, with the name the page gives it and the host it was taken on, when known. */
interface ReportSource {
  snapshot: SnapshotFile;
  name: string;
  host: string | null;
}

async function snapshotOfProcess(pid: number, io: CliIO): Promise<SnapshotFile> {
  await requireInspectable(pid);
  const progress = progressLine(io, `scanning ${pid}`);
  const topology = await readTopology();
  try {
    const result = await scanProcess(pid, { signal: io.signal, onProgress: (done, total) => progress.update(done, total), pageSize: topology.pageSize });
    return encodeSnapshot({ placement: result.placement, topology, tool: TOOL });
  } finally {
    progress.done();
  }
}

/** A name for the page's "offline: NAME" that any file system would take. */
function nameOfProcessSnapshot(snapshot: SnapshotFile): string {
  const comm = snapshot.process.comm.replace(/[^A-Za-z0-9_-]+/g, '_');
  return `${comm}-${snapshot.process.pid}.numascope.json`;
}

/** `numascope report: COMM (pid N) on HOST, taken 2026-12-07 07:04:43Z`. */
export function reportTitle(snapshot: SnapshotFile, host: string | null): string {
  const taken = snapshot.takenAt.replace('T', ' ').replace(/\.\d+/, '');
  const where = host === null ? '' : ` on ${host}`;
  return `numascope report: ${snapshot.process.comm} (pid ${snapshot.process.pid})${where}, taken ${taken}`;
}

export const reportCommand: Command = {
  name: 'report',
  help: `usage: numascope report SNAPSHOT -o FILE
       numascope report --pid PID -o FILE

Writes one HTML file that holds the viewer and a snapshot: opened in any browser,
offline and with no server, it shows that snapshot as the window does (heatmaps,
zoom, tooltips, the region table, the totals, PNG export), for attaching to a bug
report. SNAPSHOT is a file written by \`numascope snapshot\` (\`-\` reads standard
input); --pid takes a snapshot of a running process first. The page's title names
the process, the host and the time the snapshot was taken. The page runs only its
own inlined script (a Content-Security-Policy allows nothing else) and fetches nothing.

options:
  -o, --output FILE   where to write the page: a regular file is replaced atomically
                      keeping its mode, a symlink's target is replaced, a pipe or
                      device is written to; \`-\` is stdout
  -p, --pid PID       take a snapshot of process PID now (needs what \`snapshot\` needs)
      --host NAME     the host named in the title; by default this machine's name
                      with --pid, and none for a SNAPSHOT file (which does not say)
  -h, --help

The viewer is the one \`npm run build\` made (dist/renderer); the page is about
460 KiB plus the snapshot's JSON.

examples:
  numascope report --pid 4242 -o redis-placement.html
  numascope report before.json -o before.html
  numascope snapshot 4242 | numascope report - -o - | gzip > report.html.gz`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, {
      output: { type: 'string', short: 'o' },
      pid: { type: 'string', short: 'p' },
      host: { type: 'string' },
    });
    const [path, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (path !== undefined && values.pid !== undefined) throw new UsageError('give a SNAPSHOT file or --pid, not both');
    if (path === undefined && values.pid === undefined) throw new UsageError('missing SNAPSHOT (a snapshot file, or --pid PID)');
    if (values.output === undefined) throw new UsageError('missing -o FILE (-o - writes to standard output)');
    if (values.output === '') throw new UsageError('--output needs a file name');
    if (values.host === '') throw new UsageError('--host needs a name');
    const pid = values.pid === undefined ? null : parsePid(values.pid);

    // Everything that can be refused cheaply is, before a scan or a long read.
    await checkOutput(values.output, 'report');
    const renderer = await readRendererFiles();
    let source: ReportSource;
    if (pid !== null) {
      const snapshot = await snapshotOfProcess(pid, io);
      source = { snapshot, name: nameOfProcessSnapshot(snapshot), host: hostname() };
    } else {
      const file = path as string;
      const snapshot = await readSnapshotFile(file, { streams: true, signal: io.signal });
      source = { snapshot, name: file === '-' ? nameOfProcessSnapshot(snapshot) : basename(file), host: null };
    }
    const host = values.host ?? source.host;
    const html = reportHtml({ title: reportTitle(source.snapshot, host), name: source.name, snapshotJson: serializeSnapshot(source.snapshot), renderer });
    const output = await writeOutput(values.output, html, {
      what: 'report',
      signal: io.signal,
      onWaitingForReader: (where) => io.stderr(`numascope report: waiting for a reader on ${terminalSafe(where)}\n`),
    });
    if (output.kind !== 'stdout') {
      const p = source.snapshot.process;
      const where = output.written === values.output ? output.written : `${values.output} -> ${output.written}`;
      io.stderr(`numascope: wrote ${terminalSafe(where)} (${formatBytes(Buffer.byteLength(html))}): process ${p.pid} (${terminalSafe(p.comm)}) taken ${terminalSafe(source.snapshot.takenAt)}\n`);
    }
    return EXIT_OK;
  },
};
