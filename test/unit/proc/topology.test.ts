import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cpuToNodeMap, parseDistance, parseNodeMeminfo, readTopology } from '../../../app/main/system/topology.js';
import { parseCpuList } from '../../../app/main/system/idlist.js';
import { parseAuxvPageSize } from '../../../app/main/system/pageSize.js';

function meminfo(node: number, totalKb: number, freeKb: number): string {
  return [
    `Node ${node} MemTotal:       ${totalKb} kB`,
    `Node ${node} MemFree:        ${freeKb} kB`,
    `Node ${node} MemUsed:        ${totalKb - freeKb} kB`,
    `Node ${node} AnonHugePages:         0 kB`,
    `Node ${node} HugePages_Total:     4`,
    `Node ${node} HugePages_Free:      2`,
    '',
  ].join('\n');
}

// Two sockets with CPUs and a CPU-less CXL expander (node 2) in a lower tier.
const FAKE: Record<string, string> = {
  'devices/system/node/online': '0-2\n',
  'devices/system/node/possible': '0-3\n',
  'devices/system/node/has_memory': '0-2\n',
  'devices/system/node/has_cpu': '0-1\n',
  'devices/system/node/node0/cpulist': '0-3,8-11\n',
  'devices/system/node/node0/meminfo': meminfo(0, 16000000, 12000000),
  'devices/system/node/node0/distance': '10 21 14\n',
  'devices/system/node/node1/cpulist': '4-7,12-15\n',
  'devices/system/node/node1/meminfo': meminfo(1, 16000000, 15000000),
  'devices/system/node/node1/distance': '21 10 24\n',
  'devices/system/node/node2/cpulist': '\n',
  'devices/system/node/node2/meminfo': meminfo(2, 64000000, 64000000),
  'devices/system/node/node2/distance': '14 24 10\n',
  'devices/virtual/memory_tiering/memory_tier4/nodelist': '0-1\n',
  'devices/virtual/memory_tiering/memory_tier22/nodelist': '2\n',
};

let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'numascope-sysfs-'));
  for (const [path, text] of Object.entries(FAKE)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await mkdir(join(root, 'devices/virtual/memory_tiering/power'), { recursive: true });
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('readTopology reads a 3-node tree with a CPU-less node and memory tiers', async () => {
  const topology = await readTopology(root, { pageSize: 4096, kernel: '6.18.0-test' });
  const kb = 1024;
  assert.deepEqual(topology, {
    nodes: [
      { id: 0, cpus: [0, 1, 2, 3, 8, 9, 10, 11], memTotal: 16000000 * kb, memFree: 12000000 * kb, distances: [10, 21, 14], cpuless: false, memoryTier: 4 },
      { id: 1, cpus: [4, 5, 6, 7, 12, 13, 14, 15], memTotal: 16000000 * kb, memFree: 15000000 * kb, distances: [21, 10, 24], cpuless: false, memoryTier: 4 },
      { id: 2, cpus: [], memTotal: 64000000 * kb, memFree: 64000000 * kb, distances: [14, 24, 10], cpuless: true, memoryTier: 22 },
    ],
    withMemory: [0, 1, 2],
    memoryTiers: [
      { id: 4, nodes: [0, 1] },
      { id: 22, nodes: [2] },
    ],
    pageSize: 4096,
    kernel: '6.18.0-test',
  });
  assert.deepEqual([...cpuToNodeMap(topology)].sort((a, b) => a[0] - b[0]), [
    [0, 0], [1, 0], [2, 0], [3, 0], [4, 1], [5, 1], [6, 1], [7, 1],
    [8, 0], [9, 0], [10, 0], [11, 0], [12, 1], [13, 1], [14, 1], [15, 1],
  ]);
});

test('readTopology without memory tiers and without has_memory', async () => {
  const bare = await mkdtemp(join(tmpdir(), 'numascope-sysfs-'));
  try {
    for (const [path, text] of Object.entries(FAKE)) {
      if (path.includes('memory_tiering') || path.endsWith('has_memory') || path.includes('node2')) continue;
      await mkdir(dirname(join(bare, path)), { recursive: true });
      await writeFile(join(bare, path), path.endsWith('online') ? '0-1\n' : text);
    }
    const topology = await readTopology(bare, { pageSize: 65536 });
    assert.deepEqual(topology.memoryTiers, []);
    assert.deepEqual(topology.withMemory, [0, 1]);
    assert.deepEqual(topology.nodes.map((n) => n.memoryTier), [null, null]);
    assert.equal(topology.pageSize, 65536);
  } finally {
    await rm(bare, { recursive: true, force: true });
  }
});

test('parsers for distance rows, node meminfo and CPU lists', () => {
  assert.deepEqual(parseDistance('10 21 14\n'), [10, 21, 14]);
  assert.throws(() => parseDistance('10 x'), /bad node distance/);
  const values = parseNodeMeminfo(meminfo(3, 100, 40));
  assert.deepEqual([values.get('MemTotal'), values.get('MemFree'), values.get('HugePages_Total')], [102400, 40960, 4]);
  assert.deepEqual(parseCpuList('0-2,8190-8191\n'), [0, 1, 2, 8190, 8191]);
  assert.deepEqual(parseCpuList('\n'), []);
  assert.throws(() => parseCpuList('3-1'), /bad CPU list/);
});

test('parseAuxvPageSize finds AT_PAGESZ', () => {
  const auxv = Buffer.alloc(8 * 6);
  auxv.writeBigUInt64LE(33n, 0); // AT_SYSINFO_EHDR
  auxv.writeBigUInt64LE(0x7ffc0000n, 8);
  auxv.writeBigUInt64LE(6n, 16); // AT_PAGESZ
  auxv.writeBigUInt64LE(16384n, 24);
  // then AT_NULL
  assert.equal(parseAuxvPageSize(auxv, 8, true), 16384);
  assert.equal(parseAuxvPageSize(Buffer.alloc(32), 8, true), null);
});
