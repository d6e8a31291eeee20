/**
 * Huge sparse reservations against the real sampler and CLI: a 1 TiB MAP_NORESERVE region
 * round-trips through `snapshot` and `open`; a 64 TiB one is refused in one line, before any
 * status array is allocated (it would need 32 GiB).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshot } from '../../app/common/snapshot/index.js';
import { SamplerLimitError } from '../../app/main/sampler/errors.js';
import { Poller } from '../../app/main/sampler/poller.js';
import { scanProcess } from '../../app/main/sampler/scan.js';
import { Target, repoRoot } from '../helpers/target.js';

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

test('a 64 TiB sparse reservation: snapshot and watching refuse in one clear line, and allocate nothing per page', async () => {
  const target = await Target.start(['--sparse', `${64 * 1024}G:${2 ** 32}`]);
  try {
    const run = numascope('snapshot', `${target.pid}`, '-o', join(dir, 'huge.json'));
    assert.equal(run.status, 1, run.stderr);
    oneLine(run.stderr);
    assert.match(run.stderr, new RegExp(`^numascope snapshot: process ${target.pid} \\([^)]*\\) maps 64(\\.\\d)? TiB .*the largest region is 0x[0-9a-f]+-0x[0-9a-f]+, 64 TiB\\); numascope holds 2 bytes for every mapped page and samples at most 1073741824 pages \\(4 TiB\\)\\n$`));

    const before = process.memoryUsage().rss;
    await assert.rejects(scanProcess(target.pid), (error: unknown) => error instanceof SamplerLimitError && !error.message.includes('\n'));
    assert.ok(process.memoryUsage().rss - before < 256 << 20, 'no per-page allocation');

    // Watching goes through the same scan: the poller reports the refusal and stops.
    const refused = await new Promise<Error>((resolve, reject) => {
      const poller = new Poller(target.pid, 100, { onUpdate: () => reject(new Error('unexpected update')), onError: resolve });
      poller.start();
    });
    assert.ok(refused instanceof SamplerLimitError, String(refused));
  } finally {
    await target.stop();
  }
});
