/**
 * Moves over huge sparse reservations (JVM heaps, Go arenas, V8 cages, ASAN shadows look like
 * this): time and memory follow the present pages, not the size of the range. One entry per
 * page of a 1 TiB range is 268 Mi entries, gigabytes and most of a minute; these bounds are
 * generous for a run on a busy machine and far below that.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveRanges, statusRuns, type MoveResult } from '../../../app/main/migrator/index.js';
import { CLI, run } from '../../helpers/cli.js';
import { reportedPeakKiB, writePeakReporter } from '../../helpers/peak-memory.js';
import { Target } from '../../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-sparse-'));
// Reports the peak resident memory of the process it is loaded into, on stderr at exit.
const peakReporter = writePeakReporter(dir);
after(() => rmSync(dir, { recursive: true, force: true }));

interface CliMove {
  seconds: number;
  peakMiB: number;
  json: { counts: Record<string, number>; runs: [number, number][]; segments: { start: string; end: string }[]; pageSize: number };
}

/** `numascope move PID --range 0x0-0xffffffffffffffff --to 0 --json`, with its time and peak memory. */
async function moveEverything(target: Target): Promise<CliMove> {
  const started = performance.now();
  const result = await run(process.execPath, ['--require', peakReporter, CLI, 'move', String(target.pid), '--range', '0x0-0xffffffffffffffff', '--to', '0', '--json']);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.code, 0, result.stderr);
  const peakKiB = reportedPeakKiB(result.stderr);
  assert.ok(peakKiB !== undefined, result.stderr);
  return { seconds, peakMiB: peakKiB / 1024, json: JSON.parse(result.stdout) as CliMove['json'] };
}

function mappedPages(json: CliMove['json']): number {
  return json.segments.reduce((sum, s) => sum + Number((BigInt(s.end) - BigInt(s.start)) / BigInt(json.pageSize)), 0);
}

for (const [size, stride] of [
  ['1024G', 262144],
  ['65536G', 4194304],
] as const) {
  test(`numascope move of a whole process with a ${size} sparse reservation takes time and memory of its present pages`, async () => {
    const sparse = await Target.start(['--sparse', `${size}:${stride}`, '--nohuge']);
    // The reference: the same present pages, densely mapped.
    const present = Number((BigInt(size.replace('G', '')) << 30n) / BigInt(sparse.info.pageSize) / BigInt(stride));
    const dense = await Target.start(['--anon', `${Math.max(1, Math.ceil((present * sparse.info.pageSize) / (1 << 20)))}M`, '--nohuge']);
    try {
      const reference = await moveEverything(dense);
      const measured = await moveEverything(sparse);
      const { counts, runs } = measured.json;
      // Every page of the reservation is accounted for: present ones on node 0, the rest not present.
      assert.ok(counts.alreadyOnTarget! >= present, JSON.stringify(counts));
      assert.equal(counts.alreadyOnTarget! + counts.notPresent!, mappedPages(measured.json));
      assert.equal(runs.reduce((sum, [n]) => sum + n, 0), mappedPages(measured.json));
      assert.ok(measured.seconds < reference.seconds + 20, `${measured.seconds.toFixed(1)} s against ${reference.seconds.toFixed(1)} s for the dense reference`);
      assert.ok(measured.peakMiB < reference.peakMiB + 150, `peak ${measured.peakMiB.toFixed(0)} MiB against ${reference.peakMiB.toFixed(0)} MiB for the dense reference`);
    } finally {
      await sparse.stop();
      await dense.stop();
    }
  });
}

test('looking up presence first gives the same record as asking about every page', async () => {
  const target = await Target.start(['--anon', '4M', '--untouched', '2M', '--sparse', '64M:7', '--anon', '1M', '--nohuge']);
  try {
    const ranges = [0, 1, 2, 3].map((i) => target.region(i));
    const full = await moveRanges({ pid: target.pid, ranges, toNode: 0 }, { presence: false });
    const listed = await moveRanges({ pid: target.pid, ranges, toNode: 0 }, { presence: true });
    const same = (r: MoveResult): object => ({ outcome: r.outcome, counts: r.counts, notPresent: r.notPresent, segments: r.segments, runs: statusRuns(r), undo: [...r.undo.pages] });
    assert.deepEqual(same(listed), same(full));
    assert.ok(listed.pages.length < full.pages.length, `${listed.pages.length} listed of ${full.pages.length}`);
    assert.equal(listed.counts.notPresent + listed.counts.alreadyOnTarget, full.pages.length);
    // Each listed page has the answer the full query gave it.
    const index = new Map([...full.pages].map((page, i) => [page, i]));
    for (const [i, page] of listed.pages.entries()) {
      const at = index.get(page);
      assert.ok(at !== undefined);
      assert.equal(listed.before[i], full.before[at], `page 0x${page.toString(16)}`);
    }
  } finally {
    await target.stop();
  }
});

test('finding the present pages stops at once when the signal fires', async () => {
  const target = await Target.start(['--sparse', '65536G:4194304', '--nohuge']);
  try {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(moveRanges({ pid: target.pid, ranges: [target.region(0)], toNode: 0 }, { signal: controller.signal }), { code: 'ABORTED' });
  } finally {
    await target.stop();
  }
});
