import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localityRatio } from '../../../app/main/proc/locality.js';
import { parseProcessNodeUsage } from '../../../app/main/proc/node-usage.js';
import { parsePasswd, resolveUser } from '../../../app/main/system/users.js';

const TEXT = [
  '5611d226c000 default file=/usr/bin/cat mapped=2 N0=2 kernelpagesize_kB=4',
  '5611ff306000 default heap anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4',
  '7f5dc80d4000 interleave:0-3 file=/usr/lib/locale/C.utf8/LC_CTYPE mapped=31 mapmax=7 N0=8 N1=8 N2=8 N3=7 kernelpagesize_kB=4',
  // hugetlbfs: counts are huge pages of the mapping's own size (numastat's "Huge" row).
  '7f5dc8200000 bind=static:1-2 file=/mnt/huge/pool huge dirty=3 N1=2 N2=1 kernelpagesize_kB=2048',
  '7f5dc8600000 default file=/dev/hugepages/gig huge anon=1 dirty=1 N3=1 kernelpagesize_kB=1048576',
  // A transparent huge page is counted as the base pages it spans.
  '7f5dc8a00000 default anon=1024 dirty=1024 active=0 N0=1024 kernelpagesize_kB=4',
  '7f5dc8400000 prefer (many):0,2 anon=10 dirty=10 swapcache=2 writeback=1 N0=6 N2=4 kernelpagesize_kB=4',
  // The kernel escapes the space in a path, so its "N1=99" is part of the file name, not a count.
  '7f5dc8e00000 default file=/tmp/a\\040N1=99 mapped=1 N0=1 kernelpagesize_kB=4',
  // No resident page: no node counts and no kernelpagesize_kB.
  '7ffd1e5e4000 default stack',
  '',
].join('\n');

test('parseProcessNodeUsage totals every node count times its mapping\'s page size, hugetlbfs apart', () => {
  const usage = parseProcessNodeUsage(TEXT, 4096);
  const KiB4 = 4096;
  const MiB2 = 2 << 20;
  assert.deepEqual(
    [...usage.bytesByNode].sort((a, b) => a[0] - b[0]),
    [
      [0, (2 + 4 + 8 + 1024 + 6 + 1) * KiB4],
      [1, 8 * KiB4 + 2 * MiB2],
      [2, (8 + 4) * KiB4 + MiB2],
      [3, 7 * KiB4 + (1 << 30)],
    ],
  );
  assert.deepEqual([...usage.hugetlbBytesByNode].sort((a, b) => a[0] - b[0]), [[1, 2 * MiB2], [2, MiB2], [3, 1 << 30]]);
  assert.equal(usage.totalBytes, [...usage.bytesByNode.values()].reduce((a, b) => a + b, 0));
});

test('parseProcessNodeUsage: base page size where kernelpagesize_kB is missing; empty text is nothing', () => {
  assert.deepEqual([...parseProcessNodeUsage('1000 default anon=3 N0=3', 65536).bytesByNode], [[0, 3 * 65536]]);
  assert.equal(parseProcessNodeUsage('', 4096).totalBytes, 0);
  assert.throws(() => parseProcessNodeUsage('1000 default N0=x kernelpagesize_kB=4', 4096), /malformed numa_maps field "N0=x"/);
});

test('localityRatio: the share on the threads\' nodes, null without memory or known nodes', () => {
  const usage = parseProcessNodeUsage('1000 default anon=4 N0=3 N1=1 kernelpagesize_kB=4\n', 4096);
  assert.equal(localityRatio(usage, [0]), 0.75);
  assert.equal(localityRatio(usage, [1]), 0.25);
  assert.equal(localityRatio(usage, [0, 1]), 1);
  assert.equal(localityRatio(usage, [2]), 0);
  assert.equal(localityRatio(usage, []), null);
  assert.equal(localityRatio(parseProcessNodeUsage('', 4096), [0]), null);
});

test('users: names from passwd, the first entry of a uid wins; --user takes a name or a number', () => {
  const names = parsePasswd('root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\ntoor:x:0:0::/:/bin/sh\n# comment\nbad:x:y:0::/:\n');
  assert.deepEqual([...names], [[0, 'root'], [65534, 'nobody']]);
  assert.equal(resolveUser('nobody', names), 65534);
  assert.equal(resolveUser('1234', names), 1234);
  assert.equal(resolveUser('nosuchuser', names), null);
});
