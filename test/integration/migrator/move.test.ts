/**
 * The migrator against the real kernel of this host. With one NUMA node nothing can really
 * move, but everything around moving can be proven: placement, already-there pages, clipping
 * to real mappings, every whole-call errno, identity checks, a target dying mid-way.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, errno, movePages } from '../../../native/index.js';
import { MigratorError, migrateProcess, moveRanges, undoMove, type MoveResult } from '../../../app/main/migrator/index.js';
import { normalizeRanges } from '../../../app/main/migrator/plan.js';
import { Target, repoRoot } from '../../helpers/target.js';

const target = await Target.start(['--anon', '8M', '--untouched', '1M', '--anon', '1M', '--gap', '1M', '--nohuge']);
after(() => target.stop());
const [anon, untouched, small, gap] = [target.region(0), target.region(1), target.region(2), target.region(3)];
const pageSize = target.info.pageSize;
const pagesOf = (region: { start: bigint; end: bigint }): number => Number((region.end - region.start) / BigInt(pageSize));
/** Untouched anonymous memory: -ENOENT on Linux >= 6.12, -EFAULT before. */
const UNTOUCHED = [-errno.ENOENT, -errno.EFAULT];

function deadPid(): number {
  const child = spawnSync('true');
  assert.ok(child.pid && child.pid > 0);
  return child.pid;
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof MigratorError, `expected a MigratorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

/** The parts of a result that do not depend on timing. */
function stable(result: MoveResult): object {
  return {
    outcome: result.outcome,
    error: result.error,
    toNode: result.toNode,
    flags: result.flags,
    counts: result.counts,
    failures: result.failures,
    notPresent: result.notPresent.map((s) => ({ pages: s.pages, untouched: UNTOUCHED.includes(s.status) })),
    // Adjacent mappings may be one VMA or two: compare what is covered.
    segments: normalizeRanges(result.segments, pageSize),
    undoPages: result.undo.pages.length,
  };
}

test('moving pages that already sit on node 0 to node 0 reports them as already there', async () => {
  const phases = new Set<string>();
  const result = await moveRanges(
    { pid: target.pid, ranges: [anon, untouched], toNode: 0 },
    { onProgress: (p) => phases.add(p.phase) },
  );
  const present = pagesOf(anon);
  assert.deepEqual(stable(result), {
    outcome: 'complete',
    error: null,
    toNode: 0,
    flags: MPOL_MF_MOVE,
    counts: { requested: present + pagesOf(untouched), unmapped: 0, notPresent: pagesOf(untouched), alreadyOnTarget: present, toMove: 0, moved: 0, failed: 0, notAttempted: 0 },
    failures: [],
    notPresent: [{ pages: pagesOf(untouched), untouched: true }],
    segments: normalizeRanges([anon, untouched], pageSize),
    undoPages: 0,
  });
  assert.deepEqual([...phases], ['query']);
  assert.deepEqual(result.status, result.before);
  assert.equal(result.status.length, result.pages.length);
  assert.match(result.message, /^0 pages moved to node 0, 2,048 already there, 256 not present$/);
});

test('a mapping numa_maps shows wholly on one node is placed without a query; the rest is asked about, with the same answers', async () => {
  // One fully touched mapping (MADV_NOHUGEPAGE keeps it from merging with its neighbours).
  const whole = await Target.start(['--anon', '16M', '--nohuge']);
  try {
    const region = whole.region(0);
    const pages = pagesOf(region);
    const result = await moveRanges({ pid: whole.pid, ranges: [region], toNode: 0 });
    const asked = (await movePages(whole.pid, result.pages, null, 0)).status;
    assert.deepEqual(
      { survey: [result.survey.knownPages, result.survey.askedPages], counts: result.counts, same: Buffer.from(result.before.buffer).equals(Buffer.from(asked.buffer)) },
      { survey: [pages, 0], counts: { requested: pages, unmapped: 0, notPresent: 0, alreadyOnTarget: pages, toMove: 0, moved: 0, failed: 0, notAttempted: 0 }, same: true },
    );
  } finally {
    await whole.stop();
  }
  // The shared target's first mapping is partly untouched (the untouched region may even share
  // its mapping), and a single page is too small a part of the process to read numa_maps for.
  const partly = await moveRanges({ pid: target.pid, ranges: [anon, untouched], toNode: 0 });
  assert.equal(partly.survey.askedPages, pagesOf(anon) + pagesOf(untouched) - partly.survey.knownPages);
  assert.ok(partly.survey.knownPages <= pagesOf(anon), `known ${partly.survey.knownPages}`);
  const one = await moveRanges({ pid: target.pid, ranges: [{ start: anon.start, end: anon.start + BigInt(pageSize) }], toNode: 0 });
  assert.deepEqual([one.survey.knownPages, one.survey.askedPages], [0, 1]);
});

test('ranges are widened to pages, merged, and clipped to the mappings; the hole counts as unmapped', async () => {
  const result = await moveRanges({
    pid: target.pid,
    // Unaligned ends, an overlap, and a range over the unmapped hole.
    ranges: [
      { start: small.start + 10n, end: small.start + BigInt(pageSize) * 2n - 1n },
      { start: small.start + BigInt(pageSize), end: small.end },
      { start: gap.start, end: gap.end },
    ],
    toNode: 0,
  });
  assert.deepEqual(
    { segments: result.segments, counts: result.counts, pages: result.pages.length },
    {
      segments: [{ start: small.start, end: small.end }],
      counts: { requested: pagesOf(small) + pagesOf(gap), unmapped: pagesOf(gap), notPresent: 0, alreadyOnTarget: pagesOf(small), toMove: 0, moved: 0, failed: 0, notAttempted: 0 },
      pages: pagesOf(small),
    },
  );
  await rejectsWith(moveRanges({ pid: target.pid, ranges: [gap], toNode: 0 }), 'NOTHING_MAPPED', /nothing is mapped in the given range of process/);
});

test('a node beyond the last is refused before any call, and the kernel agrees (ENODEV)', async () => {
  for (const node of [1, 63]) {
    await rejectsWith(moveRanges({ pid: target.pid, ranges: [anon], toNode: node }), 'ENODEV', new RegExp(`^node ${node} does not exist on this machine \\(online nodes: 0\\)$`));
  }
  await rejectsWith(migrateProcess(target.pid, [0], [1]), 'ENODEV', /node 1 does not exist/);
  await assert.rejects(movePages(target.pid, [anon.start], Int32Array.of(1), MPOL_MF_MOVE), { code: 'ENODEV' });
  await assert.rejects(movePages(target.pid, [anon.start], Int32Array.of(63), MPOL_MF_MOVE), { code: 'ENODEV' });
});

test('a dead pid is ESRCH, for the migrator and the kernel alike', async () => {
  const pid = deadPid();
  await rejectsWith(moveRanges({ pid, ranges: [anon], toNode: 0 }), 'ESRCH', new RegExp(`^no process with pid ${pid}$`));
  await rejectsWith(migrateProcess(pid, [0], [0]), 'ESRCH', /no process with pid/);
  await assert.rejects(movePages(pid, [anon.start], null, 0), { code: 'ESRCH' });
  await assert.rejects(movePages(pid, [anon.start], Int32Array.of(0), MPOL_MF_MOVE), { code: 'ESRCH' });
});

test('unsupported flags are EINVAL from the kernel', async () => {
  await assert.rejects(movePages(target.pid, [anon.start], Int32Array.of(0), 8), { code: 'EINVAL' });
});

test('a process that is not the expected one (pid reuse) is refused', async () => {
  const result = await moveRanges({ pid: target.pid, ranges: [small], toNode: 0 });
  const expected = result.identity;
  await rejectsWith(
    moveRanges({ pid: target.pid, ranges: [small], toNode: 0, expectedIdentity: { ...expected, startTime: expected.startTime + 1 } }),
    'IDENTITY_CHANGED',
    new RegExp(`^pid ${target.pid} now names another process .*refusing to move its pages$`),
  );
  await rejectsWith(migrateProcess(target.pid, [0], [0], { ...expected, startTime: expected.startTime - 1 }), 'IDENTITY_CHANGED', /now names another process/);
  await rejectsWith(undoMove({ ...result.undo, identity: { ...expected, startTime: 1 } }), 'IDENTITY_CHANGED', /refusing/);
  // The right identity passes.
  assert.equal((await moveRanges({ pid: target.pid, ranges: [small], toNode: 0, expectedIdentity: expected })).outcome, 'complete');
});

test('MOVE_ALL as root is allowed and used only when asked for', async () => {
  const result = await moveRanges({ pid: target.pid, ranges: [small], toNode: 0, moveAll: true });
  assert.deepEqual([result.outcome, result.flags, result.undo.flags], ['complete', MPOL_MF_MOVE_ALL, MPOL_MF_MOVE_ALL]);
});

/** Runs a node script as user nobody, returning what it printed. */
function asNobody(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--input-type=module', '-e', script], { cwd: repoRoot });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out.trim()));
  });
}

test('MOVE_ALL as user nobody is EPERM, from the kernel and explained by the migrator', async () => {
  const native = join(repoRoot, 'dist', 'native', 'index.js');
  const migrator = join(repoRoot, 'dist', 'app', 'main', 'migrator', 'index.js');
  // Its own process is the one target nobody is sure to have access to: pid 0 means "self".
  const out = await asNobody(`
    const { movePages } = await import(${JSON.stringify(native)});
    const { moveRanges } = await import(${JSON.stringify(migrator)});
    const codes = [];
    try { await movePages(0, [0n], Int32Array.of(0), 4); codes.push('none'); } catch (e) { codes.push(e.code); }
    try { await movePages(0, [0n], Int32Array.of(0), 2); codes.push('none'); } catch (e) { codes.push(e.code); }
    try { await moveRanges({ pid: process.pid, ranges: [{ start: 0n, end: 0x7fffffffffffn }], toNode: 0, moveAll: true }); codes.push('none'); }
    catch (e) { codes.push(e.code, e.message); }
    console.log(JSON.stringify(codes));
  `);
  assert.deepEqual(JSON.parse(out), ['EPERM', 'none', 'EPERM', '--all (MPOL_MF_MOVE_ALL) is not permitted: it needs CAP_SYS_NICE (run as root)']);
});

test('a target killed mid-move ends the move with a clear error and nothing unhandled', async () => {
  const victim = await Target.start(['--untouched', '4G', '--nohuge']);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    let calls = 0;
    const region = victim.region(0);
    // 1 Mi pages to read (every one listed: presence would leave none of the untouched pages to
    // ask about): the kill lands long before the last of the 256 query calls.
    await rejectsWith(
      moveRanges({ pid: victim.pid, ranges: [region], toNode: 0 }, { presence: false, onProgress: () => void (calls++ === 0 && victim.kill()) }),
      'ESRCH',
      new RegExp(`^process ${victim.pid} exited before any page was moved$`),
    );
    assert.ok(calls >= 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    victim.kill();
  }
});

test('an AbortSignal stops the move cleanly', async () => {
  const controller = new AbortController();
  await rejectsWith(
    moveRanges({ pid: target.pid, ranges: [anon], toNode: 0 }, { signal: controller.signal, chunkPages: 64, onProgress: () => controller.abort() }),
    'ABORTED',
    /cancelled before any page was moved/,
  );
});

test('migrate_pages from node 0 to node 0 moves nothing and reports the per-node totals', async () => {
  const result = await migrateProcess(target.pid, [0], [0]);
  const total = result.totals.find((t) => t.node === 0);
  assert.ok(total && total.before >= pagesOf(anon) + pagesOf(small), JSON.stringify(result.totals));
  assert.deepEqual(
    { mapping: result.mapping, notMoved: result.notMoved, nodes: result.totals.map((t) => t.node), moved: total.before - total.after },
    { mapping: [[0, 0]], notMoved: 0, nodes: [0], moved: 0 },
  );
});
