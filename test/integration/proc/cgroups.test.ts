/**
 * The cgroup reader and the system overview against the kernel: a real cgroup made in a
 * temporary subtree of the cgroup v2 mount, holding a real target, compared with the group's
 * own files read here independently; the overview lists the target with its arguments and
 * its bytes per node as numa_maps totals them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCgroup2Mount, readCgroups } from '../../../app/main/proc/cgroups.js';
import { readProcessNodeUsage } from '../../../app/main/proc/node-usage.js';
import { readSystemOverview } from '../../../app/main/proc/system-overview.js';
import { readTopology } from '../../../app/main/system/topology.js';
import { Target } from '../../helpers/target.js';

const mount = findCgroup2Mount(readFileSync('/proc/self/mountinfo', 'utf8'));
const skip = mount === null ? 'cgroup v2 is not mounted' : process.getuid?.() !== 0 ? 'making a cgroup needs root' : false;

const target = await Target.start(['--anon', '6M', '--nohuge', '--sparse', '32M:64']);
const top = `numascope-test-${process.pid}`;
const groupPath = mount === null ? '' : join(mount, top, 'inner');

after(async () => {
  if (mount !== null && existsSync(groupPath)) {
    // Out of the group first: a group with a process in it cannot be removed.
    if (readFileSync(join(groupPath, 'cgroup.procs'), 'utf8').trim() !== '') writeFileSync(join(mount, 'cgroup.procs'), `${target.pid}\n`);
    rmdirSync(groupPath);
    rmdirSync(join(mount, top));
  }
  await target.stop();
});

function nodeBytesOf(text: string): Record<number, number> {
  const total: Record<number, number> = {};
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields[0] !== 'anon' && fields[0] !== 'file') continue;
    for (const field of fields.slice(1)) {
      const [node, bytes] = field.slice(1).split('=').map(Number) as [number, number];
      total[node] = (total[node] ?? 0) + bytes;
    }
  }
  return total;
}

function optional(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

test('a real cgroup holding a target is listed with the figures of its own files', { skip }, async () => {
  mkdirSync(groupPath, { recursive: true });
  writeFileSync(join(groupPath, 'cgroup.procs'), `${target.pid}\n`);
  const overview = await readCgroups();
  assert.equal(overview.mount, mount);
  const group = overview.groups.find((g) => g.path === `/${top}/inner`);
  assert.ok(group, JSON.stringify(overview.groups.map((g) => g.path)));
  assert.equal(group.processes, 1);
  // The parent holds no process of its own, so it is not listed.
  assert.equal(overview.groups.some((g) => g.path === `/${top}`), false);
  const numaStat = optional(join(groupPath, 'memory.numa_stat'));
  const mems = optional(join(groupPath, 'cpuset.mems.effective'));
  if (numaStat === null) {
    assert.equal(group.nodeBytes, null);
    assert.match(overview.note ?? '', /memory/);
  } else {
    // The target touches nothing after start-up, so the kernel's figures hold still between two reads.
    assert.deepEqual(group.nodeBytes, nodeBytesOf(readFileSync(join(groupPath, 'memory.numa_stat'), 'utf8')));
    assert.ok((group.nodeBytes?.[0] ?? 0) >= 6 << 20);
  }
  assert.deepEqual(group.memsEffective, mems === null ? null : mems.trim() === '' ? [] : mems.trim().split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
  }));
});

test('the system overview lists the target with its arguments, user, bytes per node and locality', async () => {
  const topology = await readTopology();
  const overview = await readSystemOverview({ topology });
  const row = overview.processes.find((p) => p.pid === target.pid);
  assert.ok(row);
  assert.equal(row.args, readFileSync(`/proc/${target.pid}/cmdline`, 'utf8').replace(/\0$/, '').replace(/\0/g, ' '));
  assert.match(row.args, /--sparse 32M:64/);
  assert.equal(row.user, 'root');
  const usage = await readProcessNodeUsage(target.pid);
  assert.deepEqual(row.nodeBytes, Object.fromEntries(usage.bytesByNode));
  assert.equal(row.locality, 1);
  assert.equal(row.kernelThread, false);
  assert.ok(overview.processes.some((p) => p.kernelThread && p.pid === 2));
  const node0 = overview.nodes.find((n) => n.id === 0);
  assert.ok(node0 && node0.memTotal > 0 && node0.processBytes >= (row.nodeBytes?.[0] ?? 0));
  assert.equal(overview.unreadPastLimit, 0);
  // With a limit of one, only the largest readable process is read, and the rest are counted.
  const capped = await readSystemOverview({ topology, nodeReadLimit: 1 });
  assert.equal(capped.processes.filter((p) => p.nodeBytes !== null).length, 1);
  assert.equal(capped.unreadPastLimit, capped.processes.filter((p) => p.readable).length - 1);
});
