/** `numascope record` on a real process, and `numascope open` of what it wrote. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTimeline } from '../../app/common/timeline/index.js';
import { readStatus } from '../../app/main/proc/status.js';
import { HeatTarget } from '../helpers/heat-target.js';
import { Target, repoRoot } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-record-'));
const CLI = join(repoRoot, 'bin', 'numascope.js');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function numascope(...args: string[]): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `numascope record` in the background; `started` resolves once its first poll is done, `done` when it exits. */
function startRecord(...args: string[]): { child: ReturnType<typeof spawn>; started: Promise<void>; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, 'record', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let firstPoll: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (firstPoll = resolve));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes('numascope: recording process')) firstPoll();
  });
  const done = new Promise<Run>((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
  return { child, started, done };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface JsonPoll {
  poll: number;
  kind: string;
  totals: { byNode: Record<string, number>; byStatus: Record<string, number> };
  changedPages: number;
}

test('record follows a process that grows and frees memory, and open prints each poll\'s pages per node', async () => {
  const target = await Target.start(['--anon', '4M', '--nohuge']);
  try {
    const file = join(dir, 'steps.timeline');
    // --seconds counts from the start, so a slow start leaves less time: enough for the steps below.
    const { started, done } = startRecord(String(target.pid), '-o', file, '--interval', '100', '--seconds', '6');
    await started;
    await sleep(500);
    const grown = await target.map('8M');
    await sleep(1000);
    await target.dontneed(grown.index);
    const run = await done;
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`^numascope: recording process ${target.pid} \\(target-\\w+\\), start \\d+, every 100 ms; first poll node 0: [\\d,]+, not present: [\\d,]+$`, 'm'));
    assert.match(run.stderr, /^numascope: wrote .*steps\.timeline: \d+ polls, [\d,]+ bytes \(ended: the time asked for was up\)/m);

    const opened = numascope('open', file, '--json');
    assert.equal(opened.status, 0, opened.stderr);
    const json = JSON.parse(opened.stdout) as { format: string; polls: JsonPoll[]; end: { end: string } };
    assert.equal(json.format, 'numascope-timeline');
    assert.equal(json.end.end, 'seconds');
    const onNode0 = json.polls.map((poll) => poll.totals.byNode['0'] ?? 0);
    const first = onNode0[0] as number;
    // 8 MiB is 2048 pages: they appear, then go.
    assert.ok(onNode0.some((pages) => pages >= first + 2048), `no poll saw the 8 MiB: ${onNode0.join(' ')}`);
    assert.ok((onNode0[onNode0.length - 1] as number) < first + 2048, `the freed pages are still counted: ${onNode0.join(' ')}`);
    // A quiet stretch costs nothing: most polls changed no page.
    const still = json.polls.filter((poll) => poll.changedPages === 0).length;
    assert.ok(still > json.polls.length / 2, `${still} of ${json.polls.length} polls changed nothing`);
    assert.ok(json.polls.some((poll) => poll.kind === 'quiet'), 'no poll was quiet');

    const text = numascope('open', file);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^timeline of process ${target.pid} \\(target`));
    assert.match(text.stdout, /^poll +time +kind +node 0 +not present +locality +changed +regions \+\/-$/m);
    assert.match(text.stdout, /^0 +\+0\.0 s +first /m);
  } finally {
    await target.stop();
  }
});

test('Ctrl-C ends a recording with a complete file; so does the process exiting', async () => {
  const target = await Target.start(['--anon', '2M']);
  const interrupted = join(dir, 'interrupted.timeline');
  const exited = join(dir, 'exited.timeline');
  const a = startRecord(String(target.pid), '-o', interrupted, '--interval', '100');
  const b = startRecord(String(target.pid), '-o', exited, '--interval', '100');
  await Promise.all([a.started, b.started]);
  await sleep(500);
  a.child.kill('SIGINT');
  const runA = await a.done;
  assert.equal(runA.status, 0, runA.stderr);
  assert.match(runA.stderr, /\(ended: interrupted\)/);
  assert.equal(parseTimeline(readFileSync(interrupted, 'utf8')).end.end, 'interrupted');
  await target.stop();
  const runB = await b.done;
  assert.equal(runB.status, 0, runB.stderr);
  assert.match(runB.stderr, /\(ended: the process exited\)/);
  const timeline = parseTimeline(readFileSync(exited, 'utf8'));
  assert.equal(timeline.end.end, 'exited');
  assert.ok(timeline.polls.length >= 2);
});

test('record refuses bad input in one line before it starts; open refuses a cut-short timeline in one line', () => {
  const usage = numascope('record', '1');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^numascope record: -o FILE is needed/);
  assert.equal(numascope('record', '1', '-o', join(dir, 'x'), '--interval', '10').status, 2);
  const noDir = numascope('record', String(process.pid), '-o', join(dir, 'missing', 'x.timeline'));
  assert.equal(noDir.status, 1);
  assert.match(noDir.stderr, /^numascope record: cannot write timeline .*missing\/x\.timeline: /);
  assert.equal(noDir.stderr.trim().split('\n').length, 1);

  const whole = readFileSync(join(dir, 'steps.timeline'), 'utf8');
  const cut = join(dir, 'cut.timeline');
  writeFileSync(cut, whole.slice(0, whole.lastIndexOf('{"end"')));
  const opened = numascope('open', cut);
  assert.equal(opened.status, 1);
  assert.match(opened.stderr, /^numascope open: cannot read timeline .*cut\.timeline: truncated timeline: no end line after poll \d+/);
  assert.equal(opened.stderr.trim().split('\n').length, 1);
});

test("record writes each poll's locality over its interval; open prints and passes it on", async () => {
  // A busy thread pinned to one CPU: on this one-node host all its present pages are local.
  const cpu = (await readStatus(process.pid)).cpusAllowed[0] ?? 0;
  const target = await HeatTarget.start({ hotMiB: 2, coldMiB: 2, cpu });
  try {
    const file = join(dir, 'locality.timeline');
    // Four seconds: under the full suite's load a poll of it once took 700 ms, and two seconds held 3.
    const run = await startRecord(String(target.pid), '-o', file, '--interval', '100', '--seconds', '4').done;
    assert.equal(run.status, 0, run.stderr);
    const timeline = parseTimeline(readFileSync(file, 'utf8'));
    assert.ok(timeline.polls.length >= 4, `${timeline.polls.length} polls`);
    assert.equal(timeline.polls[0]?.locality, undefined, 'the first poll has no interval');
    assert.deepEqual(
      timeline.polls.slice(1).map((poll) => [poll.locality, poll.localityBasis]),
      timeline.polls.slice(1).map(() => [1, undefined]),
    );
    const json = JSON.parse(numascope('open', file, '--json').stdout) as { polls: { locality: number | null }[] };
    assert.deepEqual(json.polls.map((poll) => poll.locality), [null, ...timeline.polls.slice(1).map(() => 1)]);
    const text = numascope('open', file).stdout;
    assert.match(text, /^0 +\+0\.0 s +first +[\d,]+ +[\d,]+ +- /m);
    assert.match(text, /^1 +\+0\.\d s +\w+ +[\d,]+ +[\d,]+ +100\.0% /m);
  } finally {
    await target.stop();
  }
});
