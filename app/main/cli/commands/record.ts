import type { PollTotals } from '../../../common/timeline/format.js';
import { notPresentPages, type EndReason } from '../../../common/timeline/format.js';
import { TimelineWriter } from '../../../common/timeline/writer.js';
import { SnapshotError } from '../../../common/snapshot/error.js';
import { checkOutput, OutputError, writeOutput } from '../../files/output.js';
import { PollLocality } from '../../advice/poll-locality.js';
import { requireInspectable } from '../../proc/access.js';
import { readStat } from '../../proc/identity.js';
import { readThreadTicks } from '../../proc/thread-usage.js';
import { Poller, type PollUpdate } from '../../sampler/poller.js';
import { cpuToNodeMap, readTopology } from '../../system/topology.js';
import { TOOL } from '../../tool.js';
import { EXIT_OK, parseCommandLine, parsePid, UsageError, type CliIO, type Command } from '../command.js';
import { formatCount, plural, terminalSafe } from '../format.js';

function parseNumber(option: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw new UsageError(`${option} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}

function totalsText(totals: PollTotals): string {
  const nodes = Object.entries(totals.byNode).map(([node, pages]) => `node ${node}: ${formatCount(pages)}`);
  return [...nodes, `not present: ${formatCount(notPresentPages(totals))}`].join(', ');
}

const ENDED: Record<EndReason, string> = {
  seconds: 'the time asked for was up',
  interrupted: 'interrupted',
  exited: 'the process exited',
  'size-limit': 'the file reached the size numascope reads',
  failed: 'the process could no longer be read',
};

/** Pages the sampler saw go from one node to another in a poll (moves by anyone, balancing, demotion). */
function pagesChangedNode(update: PollUpdate): number {
  let pages = 0;
  for (const { from, to, pages: count } of update.changes?.summary() ?? []) if (from >= 0 && to >= 0 && from !== to) pages += count;
  return pages;
}

/** Whether the process the recording started on is gone (exited, a zombie, or its pid reused). */
async function isGone(pid: number, startTime: number): Promise<boolean> {
  try {
    const stat = await readStat(pid);
    return stat.startTime !== startTime || stat.state === 'Z' || stat.state === 'X';
  } catch {
    return true;
  }
}

function statusLine(io: CliIO, text: string): void {
  if (io.stderrIsTTY) io.stderr(`\r${text}\x1b[K`);
}

export const recordCommand: Command = {
  name: 'record',
  help: `usage: numascope record <pid> -o FILE [--seconds N] [--interval MS]

Watches process <pid> and records where its pages live over time: a timeline file
with the first poll's whole placement (as a snapshot has it), then for every poll
only what changed (pages whose status changed, regions added or removed), the
pages per node at every poll and when each poll was taken, and the locality over
each poll's interval (the share of the present pages on the nodes whose CPUs the
threads used since the poll before, weighted by CPU time). Polls are incremental,
as in the window: a poll of a quiet process asks the kernel about no page. The
format is documented in docs/timeline-format.md; \`numascope open FILE\` prints
its pages per node per poll, and the window's "Open snapshot…" plays it back.

The recording ends after N seconds, on Ctrl-C, or when the process exits; each
way the file is complete. It is written when the recording ends.

options:
  -o, --output FILE   where to write: a regular file is replaced atomically keeping
                      its mode, a symlink's target is replaced, a pipe or device is
                      written to; \`-\` is stdout
  --seconds N         stop after N seconds (default: until Ctrl-C or the exit)
  --interval MS       time between polls (default 1000; 50-3600000)
  -h, --help

A line on stderr says when the first poll is done (the recording runs from then);
another, redrawn, shows the poll count and the pages per node when stderr is a
terminal. Reading another user's process needs root or CAP_SYS_PTRACE.

examples:
  numascope record 1234 -o app.timeline --seconds 60
  numascope record $(pidof redis-server) -o redis.timeline --interval 250`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, { output: { type: 'string', short: 'o' }, seconds: { type: 'string' }, interval: { type: 'string' } });
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const pid = parsePid(positionals[0]);
    const output = values.output;
    if (output === undefined || output === '') throw new UsageError('-o FILE is needed: the timeline is written there when the recording ends');
    const seconds = values.seconds === undefined ? null : parseNumber('--seconds', values.seconds, 0, 0.1, 7 * 24 * 3600);
    const intervalMs = Math.round(parseNumber('--interval', values.interval, 1000, 50, 3_600_000));
    try {
      await checkOutput(output, 'timeline');
    } catch (error) {
      if (error instanceof OutputError) throw new SnapshotError(error.message, { cause: error.cause });
      throw error;
    }
    const stat = await requireInspectable(pid);
    const topology = await readTopology();

    let writer: TimelineWriter | null = null;
    const locality = new PollLocality(cpuToNodeMap(topology));
    let finish: (reason: EndReason, error?: Error) => void = () => undefined;
    const ended = new Promise<{ reason: EndReason; error?: Error }>((resolve) => {
      finish = (reason, error) => resolve(error === undefined ? { reason } : { reason, error });
    });
    const onUpdate = (update: PollUpdate): void => {
      // A process that exited but is not reaped yet scans as empty: its last picture is the one before.
      if (update.placement.regions.length === 0) {
        void isGone(pid, stat.startTime).then((gone) => gone && finish('exited'));
        return;
      }
      if (writer === null) {
        writer = new TimelineWriter(update.placement, topology, { tool: TOOL, intervalMs });
        // The first poll has no interval to weigh CPU time over: its reading starts the next one's.
        locality.next(update.threads ?? null, {});
        const { identity } = update.placement;
        io.stderr(`numascope: recording process ${identity.pid} (${terminalSafe(identity.comm)}), start ${identity.startTime}, every ${intervalMs} ms; first poll ${totalsText(writer.totals)}\n`);
      } else {
        const { changes } = update;
        const quiet = changes !== null && changes.total === 0 && update.regionsAdded.length === 0 && update.regionsRemoved.length === 0;
        const addresses = changes !== null && changes.total <= changes.capacity ? changes.toData().addresses : null;
        const kind = update.poll?.kind ?? 'full';
        const localityOf = (byNode: Readonly<Record<string, number>>) => locality.next(update.threads ?? null, byNode);
        if (!writer.addPoll({ placement: update.placement, kind, changed: quiet ? { quiet } : { quiet, addresses }, locality: localityOf })) {
          finish('size-limit');
          return;
        }
        const moved = pagesChangedNode(update);
        if (moved > 0) writer.addMark('migration', `${plural(moved, 'page')} changed node`);
      }
      statusLine(io, `recording ${pid}: poll ${writer.pollCount}, ${totalsText(writer.totals)}`);
    };
    const poller = new Poller(pid, intervalMs, {
      onUpdate,
      onError: (error) => void isGone(pid, stat.startTime).then((gone) => (gone ? finish('exited') : finish('failed', error))),
    }, { pageSize: topology.pageSize, readThreads: readThreadTicks });

    const onAbort = (): void => finish('interrupted');
    io.signal.addEventListener('abort', onAbort, { once: true });
    if (io.signal.aborted) onAbort();
    const timer = seconds === null ? null : setTimeout(() => finish('seconds'), seconds * 1000);
    poller.start();
    const { reason, error } = await ended;
    if (timer !== null) clearTimeout(timer);
    io.signal.removeEventListener('abort', onAbort);
    await poller.stop();
    if (io.stderrIsTTY) io.stderr('\r\x1b[K');

    const recorded = writer as TimelineWriter | null;
    if (recorded === null) {
      throw new SnapshotError(`nothing recorded: ${error?.message ?? ENDED[reason]} before the first poll finished`);
    }
    const text = recorded.finish(error === undefined ? reason : 'failed');
    // Written after the interrupt too, so not under the aborted signal.
    const result = await writeOutput(output, text, { what: 'timeline' }).catch((failure: unknown) => {
      if (failure instanceof OutputError) throw new SnapshotError(failure.message, { cause: failure.cause });
      throw failure;
    });
    if (result.kind !== 'stdout') {
      const where = result.written === output ? output : `${output} -> ${result.written}`;
      const why = error === undefined ? ENDED[reason] : `${ENDED[reason]}: ${error.message}`;
      io.stderr(`numascope: wrote ${terminalSafe(where)}: ${plural(recorded.pollCount, 'poll')}, ${formatCount(text.length)} bytes (ended: ${terminalSafe(why)}); last poll ${totalsText(recorded.totals)}\n`);
    }
    return EXIT_OK;
  },
};
