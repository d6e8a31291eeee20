/**
 * A 64 TiB MAP_NORESERVE reservation with a few MB touched (what JVMs, Go, V8 cages and ASAN
 * map), against the real sampler, CLI and serve mode: it is snapshotted, opened, watched, and
 * costs what its touched pages cost; the sampler's one limit is on the pages it holds one by
 * one, and beyond it the refusal is one line.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlacementUpdate } from '../../app/common/ipc.js';
import { parseSnapshot } from '../../app/common/snapshot/index.js';
import { BLOCK_PAGES } from '../../app/common/status-store.js';
import { SamplerLimitError } from '../../app/main/sampler/errors.js';
import { Poller } from '../../app/main/sampler/poller.js';
import { scanProcess } from '../../app/main/sampler/scan.js';
import { startServer } from '../../app/main/serve/index.js';
import { NumascopeService } from '../../app/main/service/index.js';
import { CLI, run } from '../helpers/cli.js';
import { reportedPeakKiB, writePeakReporter } from '../helpers/peak-memory.js';
import { Target, type TargetRegion } from '../helpers/target.js';
import { EventReader } from './serve/http-client.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-64t-'));
const peakReporter = writePeakReporter(dir);
// One touched page every 64 GiB: 1024 present pages, each in a block of its own.
const STRIDE = 2 ** 24;
const PRESENT = 2 ** 34 / STRIDE;
let sparse: Target;
let reservation: TargetRegion;

before(async () => {
  sparse = await Target.start(['--sparse', `64T:${STRIDE}`, '--nohuge']);
  const found = sparse.info.regions.find((r) => r.kind === 'sparse');
  assert.ok(found);
  reservation = found;
});
after(async () => {
  await sparse.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `numascope snapshot PID -o FILE` with its peak resident memory. */
async function snapshotOf(target: Target, file: string): Promise<number> {
  const result = await run(process.execPath, ['--require', peakReporter, CLI, 'snapshot', String(target.pid), '-o', file]);
  assert.equal(result.code, 0, result.stderr);
  const peakKiB = reportedPeakKiB(result.stderr);
  assert.ok(peakKiB !== undefined, result.stderr);
  return peakKiB / 1024;
}

test('snapshot of a 64 TiB reservation round-trips through open with the right per-node counts, in the memory of its present pages', async () => {
  assert.equal(reservation.end - reservation.start, 64n << 40n);
  const file = join(dir, '64t.json');
  const peakMiB = await snapshotOf(sparse, file);
  const snapshot = parseSnapshot(readFileSync(file, 'utf8'));
  const vma = snapshot.vmas.find((v) => BigInt(v.start) <= reservation.start && BigInt(v.end) >= reservation.end);
  assert.ok(vma, 'the reservation is in the file');
  let present = 0;
  let pages = 0;
  for (const [count, status] of vma.runs) {
    pages += count;
    if (status === 0) present += count;
  }
  assert.equal(pages, 2 ** 34);
  assert.equal(present, PRESENT);
  // Every present page of the process, the reservation's included, counted on node 0 by the file and by open.
  const onNode0 = snapshot.totals.byNode['0'] ?? 0;
  assert.ok(onNode0 >= PRESENT);
  const opened = await run(process.execPath, [CLI, 'open', file, '--json']);
  assert.equal(opened.code, 0, opened.stderr);
  const summary = JSON.parse(opened.stdout) as { totals: { byNode: Record<string, number> } };
  assert.deepEqual(summary.totals.byNode, snapshot.totals.byNode);

  // The same present pages densely mapped: the reservation's span must not show in the peak.
  const dense = await Target.start(['--anon', `${(PRESENT * sparse.info.pageSize) >> 20}M`, '--nohuge']);
  try {
    const densePeakMiB = await snapshotOf(dense, join(dir, 'dense.json'));
    assert.ok(peakMiB < 200, `peak ${peakMiB.toFixed(0)} MiB`);
    assert.ok(peakMiB < densePeakMiB + 48, `peak ${peakMiB.toFixed(0)} MiB against ${densePeakMiB.toFixed(0)} MiB for the same pages mapped densely`);
  } finally {
    await dense.stop();
  }
});

test('serve mode watches a 64 TiB reservation: updates cover its 2^34 pages and windows into it answer', async () => {
  const service = new NumascopeService();
  const server = await startServer({ service, rendererDir: dir });
  const stream = await EventReader.open(server.port, `/api/events?token=${server.token}`);
  try {
    const auth = { Authorization: `Bearer ${server.token}` };
    const watch = await fetch(`http://127.0.0.1:${server.port}/api/process:watch`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ pid: sparse.pid, intervalMs: 500 }) });
    assert.equal(watch.status, 200, await watch.text());
    const first: PlacementUpdate = await stream.next('placement:update', (u) => u.placement.process.pid === sparse.pid, 60_000);
    const second: PlacementUpdate = await stream.next('placement:update', (u) => u.placement.process.pid === sparse.pid && u.sequence > first.sequence, 60_000);
    assert.ok(second.placement.totalPages > 2 ** 34);
    const vma = second.placement.vmas.find((v) => BigInt(v.start) <= reservation.start && BigInt(v.end) >= reservation.end);
    assert.ok(vma);
    assert.equal(vma.counts.find(([, status]) => status === 0)?.[0], PRESENT);
    assert.equal(vma.counts.reduce((sum, [n]) => sum + n, 0), 2 ** 34);
    assert.ok(second.overview.to === second.placement.totalPages);
  } finally {
    stream.close();
    await server.close();
    await service.close();
  }
});

test('past the pages held one by one (a lowered limit), scanning and watching refuse in one line', async () => {
  const maxHeldPages = (PRESENT / 2) * BLOCK_PAGES;
  const refusal = await scanProcess(sparse.pid, { maxHeldPages }).then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(refusal instanceof SamplerLimitError, String(refusal));
  assert.doesNotMatch(refusal.message, /\n/);
  assert.match(refusal.message, new RegExp(`^process ${sparse.pid} \\([^)]*\\) has pages whose statuses differ in more than ${PRESENT / 2} blocks of ${BLOCK_PAGES} pages; numascope holds at most ${maxHeldPages} pages one by one \\(\\d+ MiB of statuses\\) and keeps one status for each block whose pages agree \\(the process maps 64(\\.\\d)? TiB in \\d+ regions\\)$`));
  // Within the limit the same process scans.
  const { placement } = await scanProcess(sparse.pid, { maxHeldPages: 2 * PRESENT * BLOCK_PAGES });
  assert.ok(placement.regions.some((r) => r.status.length === 2 ** 34));

  const refused = await new Promise<Error>((resolve, reject) => {
    const poller = new Poller(sparse.pid, 100, { onUpdate: () => reject(new Error('unexpected update')), onError: resolve }, { maxHeldPages });
    poller.start();
  });
  assert.ok(refused instanceof SamplerLimitError, String(refused));
});
