import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNumaMaps, parseNumaMapsLine } from '../../../app/main/proc/numaMaps.js';

test('parseNumaMaps reads an anonymous bound region', () => {
  assert.deepEqual(parseNumaMapsLine('7f0c2c000000 bind:0 anon=16384 dirty=16384 active=0 N0=16384 kernelpagesize_kB=4'), {
    start: 0x7f0c2c000000n,
    policy: 'bind:0',
    file: null,
    pagesByNode: new Map([[0, 16384]]),
    anon: 16384,
    dirty: 16384,
    mapped: 16384,
    kernelPageSize: 4096,
    huge: false,
    heap: false,
    stack: false,
    mapmax: 0,
    swapcache: 0,
    active: 0,
    writeback: 0,
  });
});

const TEXT = [
  '5611d226c000 default file=/usr/bin/cat mapped=2 N0=2 kernelpagesize_kB=4',
  '5611ff306000 default heap anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4',
  '7f5dc80d4000 interleave:0-3 file=/usr/lib/locale/C.utf8/LC_CTYPE mapped=31 mapmax=7 N0=8 N1=8 N2=8 N3=7 kernelpagesize_kB=4',
  '7f5dc8200000 bind=static:1-2 file=/mnt/huge/pool huge dirty=3 N1=2 N2=1 kernelpagesize_kB=2048',
  '7f5dc8400000 prefer (many):0,2 anon=10 dirty=10 swapcache=2 writeback=1 N0=6 N2=4 kernelpagesize_kB=4',
  '7f5dc8500000 weighted interleave:0-1 anon=512 dirty=512 N0=256 N1=256 kernelpagesize_kB=4',
  '7f5dc8600000 default file=/data/my\\040file\\075v2\\040(deleted) mapped=5 N0=5 kernelpagesize_kB=4',
  '7f5dc8324000 default',
  '7fff9f657000 default stack anon=4 dirty=4 active=1 N0=4 kernelpagesize_kB=4',
  '',
].join('\n');

test('parseNumaMaps handles files, huge pages, multi-word policies and escaped paths', () => {
  const entries = parseNumaMaps(TEXT);
  assert.deepEqual(
    entries.map((e) => [e.policy, e.file, Object.fromEntries(e.pagesByNode), e.mapped, e.kernelPageSize, e.huge, e.heap, e.stack]),
    [
      ['default', '/usr/bin/cat', { 0: 2 }, 2, 4096, false, false, false],
      ['default', null, { 0: 4 }, 4, 4096, false, true, false],
      ['interleave:0-3', '/usr/lib/locale/C.utf8/LC_CTYPE', { 0: 8, 1: 8, 2: 8, 3: 7 }, 31, 4096, false, false, false],
      // hugetlb counts are huge pages, not base pages.
      ['bind=static:1-2', '/mnt/huge/pool', { 1: 2, 2: 1 }, 3, 2 << 20, true, false, false],
      ['prefer (many):0,2', null, { 0: 6, 2: 4 }, 10, 4096, false, false, false],
      ['weighted interleave:0-1', null, { 0: 256, 1: 256 }, 512, 4096, false, false, false],
      ['default', '/data/my file=v2 (deleted)', { 0: 5 }, 5, 4096, false, false, false],
      // [vvar]/[vdso] lines: no pages, so no kernelpagesize_kB either.
      ['default', null, {}, 0, 4096, false, false, false],
      ['default', null, { 0: 4 }, 4, 4096, false, false, true],
    ],
  );
  assert.deepEqual(
    [entries[2]?.mapmax, entries[4]?.swapcache, entries[4]?.writeback, entries[4]?.active, entries[8]?.active],
    [7, 2, 1, 10, 1],
  );
});

test('parseNumaMaps uses the given page size for mappings without pages', () => {
  assert.equal(parseNumaMaps('7f5dc8324000 default\n', { pageSize: 65536 })[0]?.kernelPageSize, 65536);
});

test('parseNumaMaps rejects a malformed counter', () => {
  assert.throws(() => parseNumaMaps('7f5dc8324000 default anon=x N0=1\n'), /malformed numa_maps field/);
});
