/**
 * The /proc and /sys readers against this host's kernel and a real target process.
 * This host has one NUMA node (node 0).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Target, repoRoot } from '../../helpers/target.js';
import { ProcError } from '../../../app/main/proc/errors.js';
import { readIdentity, sameProcess } from '../../../app/main/proc/identity.js';
import { listProcesses } from '../../../app/main/proc/list.js';
import { readMaps } from '../../../app/main/proc/maps.js';
import { readNumaMaps } from '../../../app/main/proc/numaMaps.js';
import { readSmaps } from '../../../app/main/proc/smaps.js';
import { readStatus } from '../../../app/main/proc/status.js';
import { readThreads } from '../../../app/main/proc/threads.js';
import { cpuToNodeMap, readTopology } from '../../../app/main/system/topology.js';
import type { ProcessSummary, Vma } from '../../../app/common/types.js';

const MiB = 1024 * 1024;
const run = promisify(execFile);

function containing(vmas: Vma[], start: bigint, end: bigint): Vma | undefined {
  return vmas.find((vma) => vma.start <= start && vma.end >= end);
}

describe('proc readers on a live target', () => {
  let target: Target;

  before(async () => {
    target = await Target.start(['--anon', '8M', '--untouched', '4M', '--nohuge']);
  });

  after(async () => {
    await target?.stop();
  });

  test('readMaps finds the regions the target reported', async () => {
    const vmas = await readMaps(target.pid);
    for (const region of target.info.regions) {
      const vma = containing(vmas, region.start, region.end);
      assert.ok(vma, `no mapping covers ${region.kind} 0x${region.start.toString(16)}-0x${region.end.toString(16)}`);
      assert.deepEqual([vma.kind, vma.name, vma.perms], ['anon', 'anonymous', 'rw-p']);
    }
    assert.ok(vmas.some((vma) => vma.kind === 'file' && vma.name.startsWith('target-')));
    assert.ok(vmas.some((vma) => vma.kind === 'stack'));
    assert.ok(vmas.some((vma) => vma.kind === 'vdso'));
  });

  test('readNumaMaps counts the 8 MiB touched region as 2048 pages on node 0', async () => {
    const [vmas, entries] = await Promise.all([readMaps(target.pid), readNumaMaps(target.pid)]);
    const anon = target.region(0);
    // The untouched region sits right below and has the same flags, so the kernel may
    // merge both into one VMA; untouched pages are not counted either way.
    const vma = containing(vmas, anon.start, anon.end);
    const entry = entries.find((e) => e.start === vma?.start);
    assert.ok(entry, 'no numa_maps entry for the anon region');
    assert.deepEqual(
      { N: Object.fromEntries(entry.pagesByNode), anon: entry.anon, kernelPageSize: entry.kernelPageSize, huge: entry.huge, file: entry.file },
      { N: { 0: 2048 }, anon: 2048, kernelPageSize: 4096, huge: false, file: null },
    );
  });

  test('readSmaps sees 8 MiB resident and no huge pages in the region', async () => {
    const [vmas, smaps] = await Promise.all([readMaps(target.pid), readSmaps(target.pid)]);
    assert.equal(smaps.length, vmas.length);
    const vma = containing(vmas, target.region(0).start, target.region(0).end);
    const entry = smaps.find((e) => e.start === vma?.start);
    assert.ok(entry);
    assert.deepEqual([entry.rss, entry.anonymous, entry.anonHugePages, entry.thpEligible], [8 * MiB, 8 * MiB, 0, false]);
    assert.ok(entry.vmFlags.includes('nh'), `VmFlags ${entry.vmFlags.join(' ')} lack nh (MADV_NOHUGEPAGE)`);
  });

  test('readIdentity is stable for one process and tells processes apart', async () => {
    const first = await readIdentity(target.pid);
    await sleep(20);
    assert.deepEqual(await readIdentity(target.pid), first);
    assert.equal(first.comm, first.cmdline[0]?.split('/').pop()?.slice(0, 15));
    assert.deepEqual(first.cmdline.slice(1), ['--anon', '8M', '--untouched', '4M', '--nohuge']);
    // Start times tick at USER_HZ (100 Hz), so a later process is at least 50 ms later.
    await sleep(50);
    const later = await Target.start(['--anon', '64K']);
    try {
      const other = await readIdentity(later.pid);
      assert.ok(other.startTime > first.startTime, `${other.startTime} <= ${first.startTime}`);
      assert.equal(sameProcess(first, other), false);
      assert.equal(sameProcess(first, { ...other, pid: first.pid }), false);
    } finally {
      await later.stop();
    }
  });

  test('readStatus reports the cpuset, uid and RSS', async () => {
    const status = await readStatus(target.pid);
    assert.ok(status.memsAllowed.includes(0));
    assert.ok(status.cpusAllowed.length >= 1);
    assert.equal(status.uid, process.getuid?.());
    assert.equal(status.threads, 1);
    assert.ok(status.vmRss >= 8 * MiB, `VmRSS ${status.vmRss}`);
    assert.equal(status.kernelThread, false);
  });

  test('listProcesses includes the target as readable with its RSS', async () => {
    const list = await listProcesses();
    const entry = list.find((p) => p.pid === target.pid);
    assert.ok(entry, 'target missing from the list');
    assert.equal(entry.comm, (await readIdentity(target.pid)).comm);
    assert.ok(entry.rss >= 8 * MiB, `rss ${entry.rss}`);
    assert.deepEqual([entry.readable, entry.reason], [true, null]);
    // kthreadd is pid 2 on the host; a container's pid namespace hides it.
    const kthreadd = list.find((p) => p.pid === 2 && p.comm === 'kthreadd');
    if (kthreadd) assert.deepEqual([kthreadd.readable, kthreadd.reason, kthreadd.rss], [false, 'kernel thread (no user memory)', 0]);
    assert.deepEqual(list.map((p) => p.pid), [...list.map((p) => p.pid)].sort((a, b) => a - b));
  });

  test('readThreads lists the target thread with its node', async () => {
    const topology = await readTopology();
    const threads = await readThreads(target.pid, cpuToNodeMap(topology));
    assert.equal(threads.length, 1);
    assert.equal(threads[0]?.tid, target.pid);
    assert.ok((threads[0]?.lastCpu ?? -1) >= 0);
    assert.equal(threads[0]?.lastNode, 0);
    const own = await readThreads(process.pid);
    assert.ok(own.length >= 1 && own.some((t) => t.tid === process.pid));
  });

  test('as user nobody, reading a root process fails with EACCES and says why', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root to switch to nobody');
      return;
    }
    const module = (name: string): string => pathToFileURL(join(repoRoot, 'dist', 'app', 'main', 'proc', name)).href;
    const script = `
      const { readMaps } = await import(${JSON.stringify(module('maps.js'))});
      const { listProcesses } = await import(${JSON.stringify(module('list.js'))});
      let error = null;
      try { await readMaps(${target.pid}); } catch (e) { error = { name: e.name, code: e.code, pid: e.pid, message: e.message }; }
      const listed = (await listProcesses()).find((p) => p.pid === ${target.pid});
      console.log(JSON.stringify({ error, listed }));`;
    const { stdout } = await run('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--input-type=module', '-e', script], { cwd: '/' });
    const { error, listed } = JSON.parse(stdout) as { error: { name: string; code: string; pid: number; message: string } | null; listed: ProcessSummary };
    assert.ok(error, 'nobody could read root-owned maps');
    assert.deepEqual([error.name, error.code, error.pid], ['ProcError', 'EACCES', target.pid]);
    assert.match(error.message, new RegExp(`cannot read /proc/${target.pid}/maps: permission denied; .*same uid or CAP_SYS_PTRACE`));
    assert.equal(typeof listed.startTime, 'number');
    assert.deepEqual(listed, { pid: target.pid, comm: listed.comm, startTime: listed.startTime, rss: listed.rss, readable: false, reason: 'owned by uid 0; needs root or CAP_SYS_PTRACE' });
  });
});

describe('proc readers on processes that are gone', () => {
  test('a dead pid gives ProcError ESRCH from every reader', async () => {
    const target = await Target.start(['--anon', '64K']);
    const pid = target.pid;
    await target.stop();
    for (const read of [readMaps, readNumaMaps, readSmaps, readStatus, readIdentity, readThreads]) {
      await assert.rejects(read(pid), (error: unknown) => {
        assert.ok(error instanceof ProcError);
        assert.deepEqual([error.code, error.pid, error.message], ['ESRCH', pid, `no process with pid ${pid}`]);
        return true;
      });
    }
  });

  test('a bad pid is EINVAL, not a read of /proc/0 or /proc/self', async () => {
    for (const pid of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(readMaps(pid), (error: unknown) => error instanceof ProcError && error.code === 'EINVAL');
    }
  });
});

describe('sysfs topology on this host', () => {
  test('readTopology reports node 0 with CPUs, memory and a sane distance', async () => {
    const topology = await readTopology();
    const node0 = topology.nodes.find((n) => n.id === 0);
    assert.ok(node0);
    assert.ok(node0.cpus.length >= 1 && node0.memTotal > 0 && node0.memFree > 0 && node0.memFree <= node0.memTotal);
    assert.equal(node0.distances[topology.nodes.indexOf(node0)], 10);
    assert.ok(topology.withMemory.includes(0));
    assert.equal(topology.pageSize, 4096);
    assert.match(topology.kernel, /^\d+\.\d+/);
    for (const tier of topology.memoryTiers) assert.ok(tier.nodes.every((id) => topology.nodes.some((n) => n.id === id)));
  });
});
