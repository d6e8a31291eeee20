/** The native bindings against the real kernel of this host (one NUMA node). */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MPOL_F_MEMS_ALLOWED, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, errno, getMempolicy, migratePages, movePages } from '../../native/index.js';
import { Target, repoRoot } from '../helpers/target.js';

const target = await Target.start(['--anon', '1M', '--untouched', '1M', '--gap', '1M', '--nohuge']);
after(() => target.stop());

const [anon, untouched, gap] = [target.region(0), target.region(1), target.region(2)];
const page = BigInt(target.info.pageSize);

/** Either answer the kernel gives for untouched anonymous memory (-ENOENT >= 6.12, -EFAULT before). */
const UNTOUCHED = [-errno.ENOENT, -errno.EFAULT];

/** A pid that just exited (and is reaped), so no process has it for now. */
function deadPid(): number {
  const child = spawnSync('true');
  assert.ok(child.pid && child.pid > 0);
  return child.pid;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    return true;
  });
}

test('query mode reports node 0 for touched pages, absence for untouched ones, EFAULT for no mapping', async () => {
  const { notMoved, status } = await movePages(target.pid, [anon.start, anon.start + page, untouched.start, gap.start, 0n], null, 0);
  assert.equal(notMoved, 0);
  assert.deepEqual([...status.slice(0, 2)], [0, 0]);
  assert.ok(UNTOUCHED.includes(status[2] as number), `untouched page reported ${status[2]}`);
  assert.deepEqual([...status.slice(3)], [-errno.EFAULT, -errno.EFAULT]);
});

test('accepts a bigint array or a BigUint64Array and reuses a caller status buffer', async () => {
  const buffer = new Int32Array(4).fill(99);
  const result = await movePages(target.pid, BigUint64Array.of(anon.start, anon.start + 2n * page), null, 0, buffer);
  assert.equal(result.status, buffer);
  assert.deepEqual([...buffer], [0, 0, 99, 99]);
});

test('moving pages to the node they are on succeeds with status = that node', async () => {
  const pages = BigUint64Array.of(anon.start, anon.start + page);
  const result = await movePages(target.pid, pages, Int32Array.of(0, 0), MPOL_MF_MOVE);
  assert.deepEqual({ notMoved: result.notMoved, status: [...result.status] }, { notMoved: 0, status: [0, 0] });
});

test('whole-call errors carry the errno name', async () => {
  const dead = deadPid();
  await expectCode(movePages(dead, [anon.start], null, 0), 'ESRCH');
  // One node on this host: node 1 exists in no node mask with memory.
  await expectCode(movePages(target.pid, [anon.start], Int32Array.of(1), MPOL_MF_MOVE), 'ENODEV');
  await expectCode(movePages(target.pid, [anon.start], null, 8), 'EINVAL');
  await expectCode(migratePages(dead, [0], [0]), 'ESRCH');
  await expectCode(movePages(target.pid, [anon.start], Int32Array.of(0, 0), MPOL_MF_MOVE), 'EINVAL');
});

test('MOVE_ALL without CAP_SYS_NICE is EPERM (run as user nobody)', () => {
  const script = `
    const { movePages, MPOL_MF_MOVE_ALL } = await import(${JSON.stringify(join(repoRoot, 'dist', 'native', 'index.js'))});
    try { await movePages(0, [0x10000n], Int32Array.of(0), MPOL_MF_MOVE_ALL); console.log('no error'); }
    catch (error) { console.log(error.code); }`;
  const output = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(output.trim(), 'EPERM');
  assert.equal(MPOL_MF_MOVE_ALL, 4);
});

test('migrate_pages within node 0 moves nothing and reports 0 not moved', async () => {
  assert.equal(await migratePages(target.pid, [0], [0]), 0);
});

test('get_mempolicy reports the nodes this process may use', async () => {
  const policy = await getMempolicy(MPOL_F_MEMS_ALLOWED);
  assert.deepEqual(policy.nodes, [0]);
});

test('bad arguments are refused before the kernel is called', async () => {
  await expectCode(movePages(-1, [anon.start], null, 0), 'EINVAL');
  await expectCode(migratePages(target.pid, [], [0]), 'EINVAL');
  await expectCode(migratePages(target.pid, [0], [5000]), 'EINVAL');
});


test('prefault faults in an array on another thread without changing what it holds', async () => {
  const { prefault } = await import('../../native/sync.js');
  const { readSmaps } = await import('../../app/main/proc/smaps.js');
  const koffi = (await import('koffi')).default;
  const array = new Int16Array(new SharedArrayBuffer(16 << 20));
  array[0] = 7;
  array[array.length - 1] = -2;
  const address = koffi.address(array);
  const rss = async (): Promise<number> => (await readSmaps(process.pid)).find((e) => e.start <= address && address < e.end)?.rss ?? Number.NaN;
  const before = await rss();
  assert.equal(await prefault(array, 4096), true);
  const after = await rss();
  // The two pages written above were already resident; the rest came in.
  assert.ok(after - before >= (16 << 20) - 3 * 8192, `resident ${before} -> ${after}`);
  assert.deepEqual([array[0], array[array.length - 1], array[1], array[array.length >> 1]], [7, -2, 0, 0]);
  assert.equal(await prefault(new Int16Array(8), 4096), false);
});
