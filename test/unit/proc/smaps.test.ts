import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSmaps } from '../../../app/main/proc/smaps.js';

function block(header: string, kb: Record<string, number>, thp: number, flags: string): string {
  const fields = {
    Size: 0, KernelPageSize: 4, MMUPageSize: 4, Rss: 0, Pss: 0, Pss_Dirty: 0, Shared_Clean: 0, Shared_Dirty: 0,
    Private_Clean: 0, Private_Dirty: 0, Referenced: 0, Anonymous: 0, KSM: 0, LazyFree: 0, AnonHugePages: 0,
    ShmemPmdMapped: 0, FilePmdMapped: 0, Shared_Hugetlb: 0, Private_Hugetlb: 0, Swap: 0, SwapPss: 0, Locked: 0,
    ...kb,
  };
  const lines = Object.entries(fields).map(([key, value]) => `${`${key}:`.padEnd(16)}${String(value).padStart(8)} kB`);
  return [header, ...lines, `THPeligible:    ${thp}`, `VmFlags: ${flags} `].join('\n') + '\n';
}

const TEXT =
  block('558c7272d000-558c7272f000 r--p 00000000 fe:00 260386                     /usr/bin/head', { Size: 8, Rss: 8, Pss: 8, Private_Clean: 8, Referenced: 8 }, 0, 'rd mr mw me') +
  block(
    '7f0c2c000000-7f0c30000000 rw-p 00000000 00:00 0 ',
    { Size: 65536, Rss: 61440, Pss: 30720, Private_Dirty: 61440, Anonymous: 61440, AnonHugePages: 59392, Swap: 4096, SwapPss: 2048, Locked: 0 },
    1,
    'rd wr mr mw me ac sd hg',
  ) +
  block('ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]', { Size: 4 }, 0, 'ex');

test('parseSmaps turns kB into bytes and reads THPeligible and VmFlags', () => {
  const entries = parseSmaps(TEXT);
  assert.equal(entries.length, 3);
  assert.deepEqual(entries[1], {
    start: 0x7f0c2c000000n,
    end: 0x7f0c30000000n,
    rss: 61440 * 1024,
    pss: 30720 * 1024,
    anonymous: 61440 * 1024,
    swap: 4096 * 1024,
    anonHugePages: 59392 * 1024,
    shmemPmdMapped: 0,
    filePmdMapped: 0,
    sharedHugetlb: 0,
    privateHugetlb: 0,
    kernelPageSize: 4096,
    mmuPageSize: 4096,
    thpEligible: true,
    vmFlags: ['rd', 'wr', 'mr', 'mw', 'me', 'ac', 'sd', 'hg'],
    size: 65536 * 1024,
    sharedClean: 0,
    sharedDirty: 0,
    privateClean: 0,
    privateDirty: 61440 * 1024,
    referenced: 0,
    swapPss: 2048 * 1024,
    locked: 0,
  });
  assert.deepEqual(
    entries.map((e) => [e.start, e.rss, e.thpEligible, e.vmFlags.length]),
    [
      [0x558c7272d000n, 8192, false, 4],
      [0x7f0c2c000000n, 61440 * 1024, true, 8],
      [0xffffffffff600000n, 0, false, 1],
    ],
  );
});

test('parseSmaps rejects a field before any mapping header', () => {
  assert.throws(() => parseSmaps('Rss: 4 kB\n'), /malformed smaps line/);
});

test('parseSmaps reads 40,000 mappings in time linear in their number', () => {
  const one = (i: number): string =>
    block(`${(0x7f0000000000 + i * 0x2000).toString(16)}-${(0x7f0000001000 + i * 0x2000).toString(16)} rw-p 00000000 00:00 0 `, { Size: 4, Rss: 4, Anonymous: 4 }, 0, 'rd wr mr mw me ac');
  const texts = [2000, 40000].map((count) => Array.from({ length: count }, (_, i) => one(i)).join(''));
  const best = (text: string): number => {
    let fastest = Infinity;
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      parseSmaps(text);
      fastest = Math.min(fastest, performance.now() - started);
    }
    return fastest;
  };
  const entries = parseSmaps(texts[1] as string);
  assert.equal(entries.length, 40000);
  assert.equal(entries.reduce((sum, e) => sum + e.rss, 0), 40000 * 4096);
  // Twenty times the mappings, timed in the same moments of the same run: a linear parser
  // takes about twenty times as long whatever the machine's load, a quadratic one 400 times.
  const [small, large] = [best(texts[0] as string), best(texts[1] as string)];
  assert.ok(large < Math.max(small, 1) * 100, `2,000 mappings took ${small.toFixed(1)} ms, 40,000 took ${large.toFixed(1)} ms`);
});
