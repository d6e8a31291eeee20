/**
 * What goes wrong, inside the multi-node guest: shared pages, nodes that do not exist, dead
 * processes, bad flags, missing capabilities, and a target that dies in the middle of a move.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MPOL_MF_MOVE, movePages } from '../../native/index.js';
import { MigratorError, moveRanges } from '../../app/main/migrator/index.js';
import { Target, repoRoot } from '../helpers/target.js';
import { CLI, NOBODY, guestName, hex, histogram, multiNode, nodes, pagesOf, placement, run, startTarget } from './support.js';

function deadPid(): number {
  const child = spawnSync('true');
  assert.ok(child.pid && child.pid > 0);
  return child.pid;
}

async function migratorCode(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise;
    return ['none', ''];
  } catch (error) {
    assert.ok(error instanceof MigratorError, String(error));
    return [error.code, error.message];
  }
}

async function nativeCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

test(`[${guestName}] shared pages need MOVE_ALL: -EACCES per page without it, moved with it as root`, multiNode, async () => {
  // After --fork the private pages are copy-on-write shared with the child.
  const target = await startTarget(['--anon', '8M', '--nohuge', '--fork']);
  try {
    const region = target.region(0);
    const n = pagesOf(region);
    const without = await moveRanges({ pid: target.pid, ranges: [region], toNode: 1 });
    const withAll = await moveRanges({ pid: target.pid, ranges: [region], toNode: 1, moveAll: true });
    assert.deepEqual(
      [without, withAll].map((r) => ({ outcome: r.outcome, moved: r.counts.moved, failures: r.failures.map((f) => [f.code, f.pages]), status: histogram(r.status) })),
      [
        { outcome: 'complete', moved: 0, failures: [['EACCES', n]], status: { [-13]: n } },
        { outcome: 'complete', moved: n, failures: [], status: { 1: n } },
      ],
    );
    assert.match(without.failures[0]?.reason ?? '', /shared with another process.*--all/);
    assert.deepEqual(histogram(await placement(target.pid, region)), { 1: n });
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] a node beyond the last is ENODEV, refused by the migrator and by the kernel`, multiNode, async () => {
  const target = await startTarget(['--anon', '1M', '--nohuge']);
  try {
    const region = target.region(0);
    const beyond = Math.max(...nodes) + 1;
    assert.deepEqual(
      [
        await migratorCode(moveRanges({ pid: target.pid, ranges: [region], toNode: beyond })),
        await migratorCode(moveRanges({ pid: target.pid, ranges: [region], toNode: 63 })),
        await nativeCode(movePages(target.pid, [region.start], Int32Array.of(beyond), MPOL_MF_MOVE)),
        await nativeCode(movePages(target.pid, [region.start], Int32Array.of(63), MPOL_MF_MOVE)),
      ],
      [
        ['ENODEV', `node ${beyond} does not exist on this machine (online nodes: 0-${beyond - 1})`],
        ['ENODEV', `node 63 does not exist on this machine (online nodes: 0-${beyond - 1})`],
        'ENODEV',
        'ENODEV',
      ],
    );
  } finally {
    await target.stop();
  }
});

/** A cgroup v2 whose cpuset allows node 0 only, or why there cannot be one here. */
async function nodeZeroCgroup(): Promise<{ path: string } | { skip: string }> {
  const root = '/sys/fs/cgroup';
  const controllers = await readFile(`${root}/cgroup.controllers`, 'utf8').catch(() => '');
  if (!controllers.split(/\s+/).includes('cpuset')) return { skip: 'no cgroup v2 cpuset controller here' };
  await writeFile(`${root}/cgroup.subtree_control`, '+cpuset');
  const path = `${root}/numascope-test-${process.pid}`;
  await mkdir(path, { recursive: true });
  await writeFile(`${path}/cpuset.mems`, '0');
  return { path };
}

test(`[${guestName}] a node outside the process's cpuset is refused before trying (EACCES), and the kernel agrees`, multiNode, async (t) => {
  const cgroup = await nodeZeroCgroup();
  if ('skip' in cgroup) {
    t.skip(cgroup.skip);
    return;
  }
  const target = await startTarget(['--anon', '1M', '--nohuge']);
  try {
    await writeFile(`${cgroup.path}/cgroup.procs`, String(target.pid));
    const region = target.region(0);
    assert.deepEqual(
      [
        await migratorCode(moveRanges({ pid: target.pid, ranges: [region], toNode: 1 })).then(([code, message]) => [code, message.replace(/\(target-[0-9a-f]+\)/, '(target)')]),
        await nativeCode(movePages(target.pid, [region.start], Int32Array.of(1), MPOL_MF_MOVE)),
      ],
      [['EACCES', `process ${target.pid} (target) may not use node 1: its cpuset allows nodes 0 (Mems_allowed_list)`], 'EACCES'],
    );
  } finally {
    await target.stop();
    await rmdir(cgroup.path).catch(() => {});
  }
});

test(`[${guestName}] a dead pid is ESRCH and unsupported flags are EINVAL`, multiNode, async () => {
  const target = await startTarget(['--anon', '1M', '--nohuge']);
  try {
    const region = target.region(0);
    const dead = deadPid();
    assert.deepEqual(
      [
        await migratorCode(moveRanges({ pid: dead, ranges: [region], toNode: 1 })),
        await nativeCode(movePages(dead, [region.start], Int32Array.of(1), MPOL_MF_MOVE)),
        await nativeCode(movePages(target.pid, [region.start], Int32Array.of(1), 8)),
      ],
      [['ESRCH', `no process with pid ${dead}`], 'ESRCH', 'EINVAL'],
    );
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] MOVE_ALL as user nobody is EPERM, from the kernel and from the CLI`, multiNode, async () => {
  const native = join(repoRoot, 'dist', 'native', 'index.js');
  const script = `const { movePages } = await import(${JSON.stringify(native)});
    try { await movePages(0, [0n], Int32Array.of(1), 4); console.log('none'); } catch (e) { console.log(e.code); }`;
  const [self, target] = await Promise.all([
    run(process.execPath, ['--input-type=module', '-e', script], NOBODY),
    // A target owned by nobody too, so access is fine and only the capability is missing.
    Target.start(['--anon', '1M', '--nohuge'], { prefix: [...NOBODY, 'numactl', '--membind=0'] }),
  ]);
  try {
    const region = target.region(0);
    const range = `${hex(region.start)}-${hex(region.end)}`;
    // At once: each node start takes seconds under TCG, and --all fails before touching a page.
    const [all, plain] = await Promise.all([
      run(process.execPath, [CLI, 'move', String(target.pid), '--range', range, '--to', '1', '--all'], NOBODY),
      run(process.execPath, [CLI, 'move', String(target.pid), '--range', range, '--to', '1', '--json'], NOBODY),
    ]);
    assert.deepEqual(
      [self.stdout.trim(), all.code, all.stderr, plain.code, (JSON.parse(plain.stdout) as { counts: { moved: number } }).counts.moved],
      ['EPERM', 1, 'numascope move: --all (MPOL_MF_MOVE_ALL) is not permitted: it needs CAP_SYS_NICE (run as root)\n', 0, pagesOf(region)],
    );
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] a target that exits in the middle of a move ends it cleanly with a clear message`, multiNode, async () => {
  const target = await startTarget(['--anon', '64M', '--nohuge']);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const region = target.region(0);
    let killed = false;
    const result = await moveRanges(
      { pid: target.pid, ranges: [region], toNode: 1 },
      {
        onProgress: (p) => {
          if (p.phase === 'move' && !killed) {
            killed = true;
            target.kill();
          }
        },
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      { outcome: result.outcome, error: result.error?.code, unhandled, moved: result.counts.moved > 0 && result.counts.moved < pagesOf(region) },
      { outcome: 'exited', error: 'ESRCH', unhandled: [], moved: true },
    );
    assert.match(result.message, new RegExp(`^process ${target.pid} exited during the move; [\\d,]+ of 16,384 pages had been moved$`));
  } finally {
    process.off('unhandledRejection', onUnhandled);
    target.kill();
  }
});
