/**
 * Facts about the guest kernels, Debian's 6.1 and 6.12 (scripts/test-numa.mjs boots both), that
 * numascope relies on or reports: what move_pages answers for untouched memory, soft-dirty bits,
 * DAMON's sysfs interface, and memory tiers. Each test asserts the exact answer of the kernel it
 * runs on, so a rig that boots another kernel than it says fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { open, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errno, movePages } from '../../native/index.js';
import type { TargetRegion } from '../helpers/target.js';
import { addressesOf, cpulessNode, guestName, histogram, kernelSeries, multiNode, nodes, pagesOf, startTarget } from './support.js';

const GUEST_KERNELS = ['6.1', '6.12'];
const guestKernel = {
  skip: multiNode.skip || (GUEST_KERNELS.includes(kernelSeries) ? false : `knows the guest kernels ${GUEST_KERNELS.join(' and ')}, not ${kernelSeries}`),
};
const is612 = kernelSeries === '6.12';

test(`[${guestName}] move_pages in query mode answers ${is612 ? '-ENOENT' : '-EFAULT'} for untouched anonymous memory`, guestKernel, async () => {
  const target = await startTarget(['--untouched', '1M']);
  try {
    const region = target.region(0);
    const { status } = await movePages(target.pid, addressesOf(region), null, 0);
    // 6.12 looks pages up with folio_walk, which reports a missing page as -ENOENT; 6.1's
    // follow_page(FOLL_DUMP) turned it into -EFAULT.
    assert.deepEqual(histogram(status), { [is612 ? -errno.ENOENT : -errno.EFAULT]: pagesOf(region) });
  } finally {
    await target.stop();
  }
});

const SOFT_DIRTY = 1n << 55n;

/** How many pages of a region have the soft-dirty bit set in /proc/PID/pagemap. */
async function softDirtyPages(pid: number, region: TargetRegion): Promise<number> {
  const pages = pagesOf(region);
  const buffer = Buffer.alloc(pages * 8);
  const file = await open(`/proc/${pid}/pagemap`, 'r');
  try {
    await file.read(buffer, 0, buffer.length, Number(region.start / 4096n) * 8);
  } finally {
    await file.close();
  }
  let dirty = 0;
  for (let i = 0; i < pages; i++) if (buffer.readBigUInt64LE(i * 8) & SOFT_DIRTY) dirty++;
  return dirty;
}

test(`[${guestName}] soft-dirty: clear_refs 4 clears pagemap bit 55, a write sets it again on the written pages only`, guestKernel, async () => {
  const target = await startTarget(['--anon', '1M', '--anon', '1M', '--nohuge']);
  try {
    const [written, untouchedSince] = [target.region(0), target.region(1)];
    const count = async (): Promise<[number, number]> => [await softDirtyPages(target.pid, written), await softDirtyPages(target.pid, untouchedSince)];
    const touched = await count();
    await writeFile(`/proc/${target.pid}/clear_refs`, '4');
    const cleared = await count();
    await target.fill(0, 7);
    const afterWrite = await count();
    const n = pagesOf(written);
    assert.deepEqual({ touched, cleared, afterWrite }, { touched: [n, n], cleared: [0, 0], afterWrite: [n, 0] });
  } finally {
    await target.stop();
  }
});

const DAMON = '/sys/kernel/mm/damon/admin';
const KDAMONDS = join(DAMON, 'kdamonds');

const read = async (path: string): Promise<string> => (await readFile(path, 'utf8')).trim();

test(
  `[${guestName}] DAMON: ${is612 ? 'a kdamond with vaddr operations starts on a process and stops again' : 'no sysfs interface (Debian builds 6.1 without DAMON)'}`,
  guestKernel,
  async () => {
    if (!is612) {
      assert.equal(existsSync('/sys/kernel/mm/damon'), false);
      return;
    }
    const target = await startTarget(['--anon', '8M']);
    const kdamond = join(KDAMONDS, '0');
    const context = join(kdamond, 'contexts', '0');
    try {
      await writeFile(join(KDAMONDS, 'nr_kdamonds'), '1');
      await writeFile(join(kdamond, 'contexts', 'nr_contexts'), '1');
      const available = (await read(join(context, 'avail_operations'))).split(/\s+/);
      await writeFile(join(context, 'operations'), 'vaddr');
      await writeFile(join(context, 'targets', 'nr_targets'), '1');
      await writeFile(join(context, 'targets', '0', 'pid_target'), String(target.pid));
      await writeFile(join(kdamond, 'state'), 'on');
      const running = { state: await read(join(kdamond, 'state')), operations: await read(join(context, 'operations')) };
      const thread = await read(join(kdamond, 'pid'));
      const comm = await read(`/proc/${thread}/comm`);
      await writeFile(join(kdamond, 'state'), 'off');
      const stopped = { state: await read(join(kdamond, 'state')), pid: await read(join(kdamond, 'pid')) };
      assert.deepEqual(
        { vaddr: available.includes('vaddr'), running, comm, stopped },
        { vaddr: true, running: { state: 'on', operations: 'vaddr' }, comm: 'kdamond.0', stopped: { state: 'off', pid: '-1' } },
      );
    } finally {
      await writeFile(join(kdamond, 'state'), 'off').catch(() => undefined);
      await writeFile(join(KDAMONDS, 'nr_kdamonds'), '0').catch(() => undefined);
      await target.stop();
    }
  },
);

const TIERS = '/sys/devices/virtual/memory_tiering';

test(`[${guestName}] memory tiers: every node${cpulessNode === null ? '' : ', the CPU-less one too,'} is in the default DRAM tier`, guestKernel, async () => {
  const tiers: Record<string, string> = {};
  for (const name of (await readdir(TIERS)).filter((entry) => entry.startsWith('memory_tier'))) {
    tiers[name] = await read(join(TIERS, name, 'nodelist'));
  }
  // QEMU describes no memory performance (no HMAT), so the kernel has nothing that would set
  // the CPU-less node apart: it lands in memory_tier4, the tier of adistance 512 (DRAM).
  assert.deepEqual(tiers, { memory_tier4: `0-${Math.max(...nodes)}` });
});
