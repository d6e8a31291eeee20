/**
 * Huge sparse reservations against the real sampler and CLI: a 1 TiB MAP_NORESERVE region
 * round-trips through `snapshot` and `open` (64 TiB ones, and the sampler's limit on what it
 * holds, are in sparse-64t.test.ts). Also: `open` of a large valid file within a stated memory
 * bound, and mutated files through the real CLI.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshot } from '../../app/common/snapshot/index.js';
import { run as runCommand } from '../helpers/cli.js';
import { reportedPeakKiB, writePeakReporter } from '../helpers/peak-memory.js';
import { Target, repoRoot } from '../helpers/target.js';
import { mutated } from '../unit/snapshot/mutate.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function numascope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function oneLine(stderr: string): void {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /^\s+at /m, stderr);
}

test('a 1 TiB sparse reservation: snapshot writes a file that open reads, with every touched page', async () => {
  const stride = 262144;
  const target = await Target.start(['--sparse', `1024G:${stride}`]);
  try {
    const sparse = target.info.regions.find((r) => r.kind === 'sparse');
    assert.ok(sparse);
    const file = join(dir, 'tib.json');
    const written = numascope('snapshot', `${target.pid}`, '-o', file);
    assert.equal(written.status, 0, written.stderr);
    const opened = numascope('open', file);
    assert.equal(opened.status, 0, opened.stderr);
    assert.match(opened.stdout, /1(\.0)? TiB/);

    const snapshot = parseSnapshot(readFileSync(file, 'utf8'));
    const vma = snapshot.vmas.find((v) => BigInt(v.start) <= sparse.start && BigInt(v.end) >= sparse.end);
    assert.ok(vma, 'the reservation is in the file');
    let present = 0;
    let pages = 0;
    for (const [count, status] of vma.runs) {
      pages += count;
      if (status >= 0) present += count;
    }
    assert.equal(pages, Number((BigInt(vma.end) - BigInt(vma.start)) / 4096n));
    assert.equal(present, Number((sparse.end - sparse.start) / 4096n) / stride);
    assert.ok(vma.runs.length <= 2 * present + 1, `${vma.runs.length} runs`);
  } finally {
    await target.stop();
  }
});

/** A valid snapshot of one region whose every page differs from the next: `runs` runs. */
function fragmentedText(runs: number): string {
  const parts: string[] = [];
  const counts = { node0: 0, node1: 0, absent: 0 };
  for (let i = 0; i < runs; i++) {
    const status = i % 3 === 0 ? -2 : i % 2;
    if (status === -2) counts.absent++;
    else if (status === 0) counts.node0++;
    else counts.node1++;
    parts.push(`[1,${status}]`);
  }
  const end = (0x10000000 + runs * 4096).toString(16);
  return (
    '{"format":"numascope-snapshot","version":1,"takenAt":"2025-01-31T12:30:15.123Z","kernel":"6.18.0","pageSize":4096,' +
    '"process":{"pid":1,"comm":"x","cmdline":["x"],"startTime":1},' +
    '"nodes":[{"id":0,"cpus":[0],"memTotal":1,"memFree":1,"distances":[10,20]},{"id":1,"cpus":[1],"memTotal":1,"memFree":1,"distances":[20,10]}],' +
    `"vmas":[{"start":"0x10000000","end":"0x${end}","perms":"rw-p","path":"","runs":[${parts.join(',')}]}],` +
    `"totals":{"byNode":{"0":${counts.node0},"1":${counts.node1}},"byStatus":{"-2":${counts.absent}}}}\n`
  );
}

/** Runs `numascope ARGS` with its peak resident memory (VmHWM at exit) and its time. */
async function peakOf(args: string[]): Promise<{ code: number | null; stderr: string; peakBytes: number; ms: number }> {
  const started = performance.now();
  const result = await runCommand(process.execPath, ['--require', writePeakReporter(dir), join(repoRoot, 'bin', 'numascope.js'), ...args]);
  return { code: result.code, stderr: result.stderr, peakBytes: (reportedPeakKiB(result.stderr) ?? 0) * 1024, ms: performance.now() - started };
}

test('open of a large valid file stays within 128 MiB + 8 times the file size, and finishes', async () => {
  const file = join(dir, 'fragmented.json');
  writeFileSync(file, fragmentedText(4 << 20));
  const size = statSync(file).size;
  const run = await peakOf(['open', file]);
  assert.equal(run.code, 0, run.stderr);
  const bound = (128 << 20) + 8 * size;
  assert.ok(run.peakBytes > 0 && run.peakBytes <= bound, `peak ${(run.peakBytes / 2 ** 20).toFixed(0)} MiB for a ${(size / 2 ** 20).toFixed(0)} MiB file, bound ${(bound / 2 ** 20).toFixed(0)} MiB`);
  // Generous: this machine's two CPUs are shared; about 2 s when they are not busy.
  assert.ok(run.ms < 30_000, `${run.ms.toFixed(0)} ms`);
});

test('mutated snapshot files through the real CLI: exit 0, or exit 1 with one line and no stack', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const { name, text } = mutated(seed * 7919);
    const file = join(dir, `mutated-${seed}.json`);
    writeFileSync(file, text);
    const run = numascope('open', file);
    assert.ok(run.status === 0 || run.status === 1, `seed ${seed} (${name}): exit ${run.status}`);
    if (run.status === 1) {
      oneLine(run.stderr);
      assert.match(run.stderr, /^numascope open: /, `seed ${seed} (${name})`);
    } else assert.equal(run.stderr, '', `seed ${seed} (${name})`);
  }
});
