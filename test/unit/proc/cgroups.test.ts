/** The cgroup reader on its own: mountinfo, memory.numa_stat, and a walk over a tree of real files laid out as the kernel's. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCgroup2Mount, numaStatNodeBytes, parseNumaStat, readCgroups } from '../../../app/main/proc/cgroups.js';

const work = mkdtempSync(join(tmpdir(), 'numascope-cgroups-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('the cgroup2 mount is found in mountinfo wherever it is (hybrid machines mount it at .../unified)', () => {
  const hybrid = [
    '30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
    '35 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
    '40 30 0:36 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  ].join('\n');
  assert.equal(findCgroup2Mount(hybrid), '/sys/fs/cgroup/unified');
  assert.equal(findCgroup2Mount('29 1 0:25 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n'), '/sys/fs/cgroup');
  assert.equal(findCgroup2Mount('29 1 0:25 / /mnt/my\\040groups rw - cgroup2 none rw\n'), '/mnt/my groups');
  assert.equal(findCgroup2Mount('35 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n'), null);
});

test('memory.numa_stat: anon and file per node, in bytes; other lines ignored', () => {
  const stat = parseNumaStat('anon N0=4096 N1=8192\nfile N0=12288 N1=0\nkernel_stack N0=16384 N1=0\nshmem N0=0 N1=0\n');
  assert.deepEqual(stat, { anon: { 0: 4096, 1: 8192 }, file: { 0: 12288, 1: 0 } });
  assert.deepEqual(numaStatNodeBytes(stat), { 0: 16384, 1: 8192 });
});

function group(path: string, files: Record<string, string>): void {
  mkdirSync(path, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
}

test('readCgroups lists the groups holding processes, with bytes per node and allowed nodes; empty groups and missing controllers are handled', async () => {
  const mount = join(work, 'tree');
  group(mount, { 'cgroup.controllers': 'cpuset cpu io memory pids\n', 'cgroup.procs': '1\n2\n' });
  group(join(mount, 'system.slice'), { 'cgroup.procs': '', 'memory.numa_stat': 'anon N0=100 N1=0\nfile N0=0 N1=0\n', 'cpuset.mems.effective': '0-1\n' });
  group(join(mount, 'system.slice', 'db.service'), { 'cgroup.procs': '300\n301\n302\n', 'memory.numa_stat': 'anon N0=4096 N1=8192\nfile N0=4096 N1=0\n', 'cpuset.mems.effective': '1\n' });
  group(join(mount, 'user.slice'), { 'cgroup.procs': '400\n' });
  const overview = await readCgroups({ mount });
  assert.equal(overview.note, null);
  assert.deepEqual(overview.groups, [
    { path: '/', processes: 2, nodeBytes: null, anonBytes: null, fileBytes: null, memsEffective: null },
    { path: '/system.slice/db.service', processes: 3, nodeBytes: { 0: 8192, 1: 8192 }, anonBytes: 12288, fileBytes: 4096, memsEffective: [1] },
    { path: '/user.slice', processes: 1, nodeBytes: null, anonBytes: null, fileBytes: null, memsEffective: null },
  ]);
  const hybrid = join(work, 'hybrid');
  group(hybrid, { 'cgroup.controllers': 'hugetlb\n', 'cgroup.procs': '1\n' });
  assert.match((await readCgroups({ mount: hybrid })).note ?? '', /memory and cpuset controllers are not on the cgroup v2 hierarchy/);
  // The walk stops at its limit rather than reading an unbounded tree.
  assert.deepEqual((await readCgroups({ mount, limit: 2 })).groups.map((g) => g.path), ['/']);
});
