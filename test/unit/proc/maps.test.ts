import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyPath, parseHugetlbMounts, parseMaps, parseMapsLine } from '../../../app/main/proc/maps.js';

// Column padding as the kernel prints it (show_vma_header_prefix pads the path to column 73).
function line(range: string, perms: string, offset: string, dev: string, inode: number, path: string): string {
  const prefix = `${range} ${perms} ${offset} ${dev} ${inode} `;
  return path === '' ? prefix : `${prefix.padEnd(73)}${path}`;
}

const MAPS = [
  line('55ecd3268000-55ecd326a000', 'r--p', '00000000', 'fe:00', 260131, '/usr/bin/cat'),
  line('55ed055bc000-55ed055dd000', 'rw-p', '00000000', '00:00', 0, '[heap]'),
  line('7f49084d8000-7f49084fa000', 'rw-p', '00000000', '00:00', 0, ''),
  line('7f4908500000-7f4908600000', 'rw-p', '00000000', '00:00', 0, '[anon:JIT code cache]'),
  line('7f4908600000-7f4908700000', 'r--p', '00001000', '08:01', 1234, '/home/me/My Documents/data file.bin'),
  line('7f4908700000-7f4908800000', 'rw-s', '00000000', '00:01', 1027, '/dev/zero (deleted)'),
  line('7f4908800000-7f4908801000', 'rw-s', '00000000', '00:01', 1028, '/memfd:my buf (deleted)'),
  line('7f4908a00000-7f4908c00000', 'rw-s', '00000000', '00:0f', 99, '/anon_hugepage (deleted)'),
  line('7f4908c00000-7f4908e00000', 'rw-s', '00000000', '00:2a', 7, '/mnt/huge 1G/pool'),
  line('7f4908e00000-7f4908e01000', 'r--p', '00000000', '08:01', 555, '/tmp/old.so (deleted)'),
  line('7f490874a000-7f490874e000', 'r--p', '00000000', '00:00', 0, '[vvar]'),
  line('7f490874e000-7f4908750000', 'r--p', '00000000', '00:00', 0, '[vvar_vclock]'),
  line('7f4908750000-7f4908752000', 'r-xp', '00000000', '00:00', 0, '[vdso]'),
  line('7f4908760000-7f4908780000', 'rw-p', '00000000', '00:00', 0, '[stack:4242]'),
  line('7ffc0dec8000-7ffc0dee9000', 'rw-p', '00000000', '00:00', 0, '[stack]'),
  line('ffffffffff600000-ffffffffff601000', '--xp', '00000000', '00:00', 0, '[vsyscall]'),
].join('\n') + '\n';

test('parseMaps gives every mapping a readable name and kind', () => {
  const vmas = parseMaps(MAPS, { hugetlbMounts: ['/mnt/huge 1G'] });
  assert.deepEqual(
    vmas.map((vma) => [vma.name, vma.kind]),
    [
      ['cat', 'file'],
      ['[heap]', 'heap'],
      ['anonymous', 'anon'],
      ['[anon:JIT code cache]', 'named-anon'],
      ['data file.bin', 'file'],
      ['shared anonymous', 'shmem'],
      ['memfd:my buf', 'shmem'],
      ['anon_hugepage', 'hugetlb'],
      ['pool', 'hugetlb'],
      ['old.so (deleted)', 'file'],
      ['[vvar]', 'vvar'],
      ['[vvar_vclock]', 'vvar'],
      ['[vdso]', 'vdso'],
      ['[stack:4242]', 'thread-stack'],
      ['[stack]', 'stack'],
      ['[vsyscall]', 'vsyscall'],
    ],
  );
  assert.equal(vmas[4]?.path, '/home/me/My Documents/data file.bin');
});

test('parseMapsLine keeps addresses above 2^53 exact and every field', () => {
  assert.deepEqual(parseMapsLine(line('ffffffffff600000-ffffffffff601000', '--xp', '00000000', '00:00', 0, '[vsyscall]')), {
    start: 0xffffffffff600000n,
    end: 0xffffffffff601000n,
    perms: '--xp',
    offset: 0n,
    dev: '00:00',
    inode: 0,
    path: '[vsyscall]',
    name: '[vsyscall]',
    kind: 'vsyscall',
  });
  const file = parseMapsLine(line('7f4908600000-7f4908700000', 'r--p', '0017c000', '08:01', 4294967296, '/x y'));
  assert.equal(file.offset, 0x17c000n);
  assert.equal(file.inode, 4294967296);
  assert.equal(file.path, '/x y');
});

test('classifyPath covers the other special names', () => {
  assert.deepEqual(
    ['/SYSV0000abcd (deleted)', '/dev/shm/pg.42', '[anon_shmem:ring]', '[uprobes]', 'anon_inode:[perf_event]', '/dev/zero'].map((path) =>
      classifyPath(path),
    ),
    [
      { name: 'SYSV0000abcd', kind: 'shmem' },
      { name: 'pg.42', kind: 'shmem' },
      { name: '[anon_shmem:ring]', kind: 'shmem' },
      { name: '[uprobes]', kind: 'special' },
      { name: 'anon_inode:[perf_event]', kind: 'special' },
      // A private mapping of the /dev/zero device itself is an ordinary file mapping.
      { name: 'zero', kind: 'file' },
    ],
  );
  // A mount point is a prefix of whole path components only.
  assert.equal(classifyPath('/mnt/hugepages-other/x', ['/mnt/hugepages']).kind, 'file');
});

test('parseMaps rejects a truncated line', () => {
  assert.throws(() => parseMaps('7f00-7f01 rw-p\n'), /malformed maps line/);
});

test('parseHugetlbMounts finds hugetlbfs mounts and unescapes their paths', () => {
  const mounts = [
    '/dev/vda / ext4 rw,relatime 0 0',
    'hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0',
    'none /mnt/huge\\0401G hugetlbfs rw,relatime,pagesize=1024M 0 0',
    'tmpfs /dev/shm tmpfs rw 0 0',
  ].join('\n');
  assert.deepEqual(parseHugetlbMounts(mounts), ['/dev/hugepages', '/mnt/huge 1G']);
});
