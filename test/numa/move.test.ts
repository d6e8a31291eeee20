/**
 * Real page moves between nodes, inside the multi-node guest: ranges, the CPU-less node,
 * already-placed pages, huge pages, undo, and that no byte is lost on the way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errno } from '../../native/index.js';
import { moveRanges, undoMove } from '../../app/main/migrator/index.js';
import {
  anonHugeBytes,
  cpulessNode,
  histogram,
  multiNode,
  nodes,
  numaMapsOf,
  pagesOf,
  placement,
  random,
  startTarget,
  guestName,
  kernelAtLeast,
  topologyName,
  vmstat,
} from './support.js';

const MiB = 1n << 20n;
const PAGE = 4096n;

test(`[${guestName}] the pages of a range move from node 0 to node 1; queries and numa_maps agree`, multiNode, async () => {
  const target = await startTarget(['--anon', '32M', '--nohuge']);
  try {
    const region = target.region(0);
    // The middle half, so the pages around it show that nothing else moved.
    const range = { start: region.start + 8n * MiB, end: region.start + 24n * MiB };
    const moving = pagesOf(range);
    const result = await moveRanges({ pid: target.pid, ranges: [range], toNode: 1 });
    assert.deepEqual(
      { outcome: result.outcome, counts: result.counts, failures: result.failures, status: histogram(result.status), undo: histogram(result.undo.nodes) },
      {
        outcome: 'complete',
        counts: { requested: moving, unmapped: 0, notPresent: 0, alreadyOnTarget: 0, toMove: moving, moved: moving, failed: 0, notAttempted: 0 },
        failures: [],
        status: { 1: moving },
        undo: { 0: moving },
      },
    );
    const expected = new Int32Array(pagesOf(region));
    expected.fill(1, pagesOf({ start: region.start, end: range.start }), pagesOf({ start: region.start, end: range.end }));
    assert.deepEqual(await placement(target.pid, region), expected);
    assert.deepEqual(await numaMapsOf(target.pid, region), { 0: pagesOf(region) - moving, 1: moving });
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] whole mappings on one node are placed from numa_maps, mixed ones asked about: the record matches the kernel's, and undo puts every page back`, multiNode, async () => {
  // Private and shared memory: two mappings that cannot merge into one.
  const target = await startTarget(['--anon', '16M', '--shared', '16M', '--nohuge']);
  try {
    const [whole, mixed] = [target.region(0), target.region(1)];
    // Every fourth 1 MiB of the second mapping to node 1 first, so numa_maps shows it on two nodes.
    for (let at = mixed.start; at < mixed.end; at += 4n * MiB) {
      await moveRanges({ pid: target.pid, ranges: [{ start: at, end: at + MiB }], toNode: 1 }, { numaMaps: false });
    }
    // In address order, as the move lists its pages.
    const inOrder = [whole, mixed].sort((a, b) => (a.start < b.start ? -1 : 1));
    const where = async (): Promise<Int32Array> => new Int32Array([...(await placement(target.pid, inOrder[0]!)), ...(await placement(target.pid, inOrder[1]!))]);
    const expected = await where();
    const result = await moveRanges({ pid: target.pid, ranges: [whole, mixed], toNode: 1 });
    assert.equal(await numaMapsOf(target.pid, whole).then((n) => n[1]), pagesOf(whole));
    assert.deepEqual(
      { before: histogram(result.before), same: Buffer.from(result.before.buffer).equals(Buffer.from(expected.buffer)), survey: [result.survey.knownPages, result.survey.askedPages], outcome: result.outcome },
      { before: { 0: pagesOf(whole) + (pagesOf(mixed) * 3) / 4, 1: pagesOf(mixed) / 4 }, same: true, survey: [pagesOf(whole), pagesOf(mixed)], outcome: 'complete' },
    );
    const undone = await undoMove(result.undo);
    assert.equal(undone.outcome, 'complete');
    assert.deepEqual(await where(), expected);
  } finally {
    await target.stop();
  }
});

test(
  `[${guestName}] pages move to and from the CPU-less node`,
  { skip: multiNode.skip || (cpulessNode === null ? `the ${topologyName} topology has no CPU-less node (the cxl guest runs this)` : false) },
  async () => {
    const node = cpulessNode as number;
    const target = await startTarget(['--anon', '32M', '--nohuge']);
    try {
      const region = target.region(0);
      const n = pagesOf(region);
      const summary = async (toNode: number): Promise<object> => {
        const r = await moveRanges({ pid: target.pid, ranges: [region], toNode });
        return { outcome: r.outcome, moved: r.counts.moved, failed: r.counts.failed, where: histogram(await placement(target.pid, region)), numaMaps: await numaMapsOf(target.pid, region) };
      };
      const results = [await summary(node), await summary(1), await summary(node), await summary(0)];
      const at = (where: number): object => ({ outcome: 'complete', moved: n, failed: 0, where: { [where]: n }, numaMaps: { [where]: n } });
      assert.deepEqual(results, [at(node), at(1), at(node), at(0)]);
    } finally {
      await target.stop();
    }
  },
);

test(`[${guestName}] pages already on the target node are reported as already there`, multiNode, async () => {
  const target = await startTarget(['--anon', '8M', '--untouched', '1M', '--nohuge']);
  try {
    const [anon, untouched] = [target.region(0), target.region(1)];
    const result = await moveRanges({ pid: target.pid, ranges: [anon, untouched], toNode: 0 });
    assert.deepEqual(
      { outcome: result.outcome, counts: result.counts, failures: result.failures, notPresent: result.notPresent.map((s) => [s.code, s.pages]) },
      {
        outcome: 'complete',
        counts: { requested: 2304, unmapped: 0, notPresent: 256, alreadyOnTarget: 2048, toMove: 0, moved: 0, failed: 0, notAttempted: 0 },
        failures: [],
        // Untouched anonymous memory: -EFAULT before Linux 6.12, -ENOENT from 6.12 on (the guests run both).
        notPresent: [[kernelAtLeast(6, 12) ? 'ENOENT' : 'EFAULT', 256]],
      },
    );
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] a THP-backed range moves as whole folios, without -EBUSY noise`, multiNode, async () => {
  const target = await startTarget(['--thp', '64M']);
  try {
    const region = target.region(0);
    const huge = await anonHugeBytes(target.pid, region);
    assert.ok(huge >= 32 * 2 ** 20, `only ${huge} bytes of the 64 MiB region are transparent huge pages`);
    const folios = huge / 2 ** 21;
    const keys = ['thp_migration_success', 'thp_migration_fail', 'thp_migration_split'];
    const before = await vmstat(...keys);
    const result = await moveRanges({ pid: target.pid, ranges: [region], toNode: 1 });
    const after = await vmstat(...keys);
    const n = pagesOf(region);
    assert.deepEqual(
      {
        outcome: result.outcome,
        moved: result.counts.moved,
        failures: result.failures,
        busy: result.status.includes(-errno.EBUSY),
        where: histogram(await placement(target.pid, region)),
        thp: keys.map((k) => (after[k] ?? 0) - (before[k] ?? 0)),
        stillHuge: await anonHugeBytes(target.pid, region),
      },
      { outcome: 'complete', moved: n, failures: [], busy: false, where: { 1: n }, thp: [folios, 0, 0], stillHuge: huge },
    );
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] undo puts every moved page back where it was`, multiNode, async () => {
  const target = await startTarget(['--anon', '16M', '--nohuge', '--thp', '16M']);
  try {
    const regions = [target.region(0), target.region(1)];
    const next = random(7);
    // A patchwork first, so "where it was" is not simply node 0.
    for (let i = 0; i < 6; i++) {
      const region = regions[i % 2] as { start: bigint; end: bigint };
      const pages = BigInt(pagesOf(region));
      const first = BigInt(Math.floor(next() * Number(pages)));
      const count = 1n + BigInt(Math.floor(next() * Number(pages - first)));
      const start = region.start + first * PAGE;
      await moveRanges({ pid: target.pid, ranges: [{ start, end: start + count * PAGE }], toNode: nodes[i % nodes.length] as number });
    }
    const recorded = await Promise.all(regions.map((r) => placement(target.pid, r)));
    const last = nodes[nodes.length - 1] as number;
    const move = await moveRanges({ pid: target.pid, ranges: regions, toNode: last });
    assert.equal(move.outcome, 'complete');
    assert.ok(move.counts.moved > 0);
    const undo = await undoMove(move.undo);
    assert.deepEqual(
      { outcome: undo.outcome, moved: undo.counts.moved, failed: undo.counts.failed, placement: await Promise.all(regions.map((r) => placement(target.pid, r))) },
      { outcome: 'complete', moved: move.counts.moved, failed: 0, placement: recorded },
    );
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] nothing is lost: checksums hold after many random moves between all nodes`, multiNode, async () => {
  const target = await startTarget(['--anon', '32M', '--nohuge', '--thp', '16M']);
  try {
    await target.fill(0, 11);
    await target.fill(1, 12);
    const sums = [await target.checksum(0), await target.checksum(1)];
    const next = random(2024);
    const outcomes: string[] = [];
    for (let i = 0; i < 16; i++) {
      const region = target.region(i % 2);
      const pages = pagesOf(region);
      // Any page boundary, so huge folios get cut at both ends too.
      const first = Math.floor(next() * pages);
      const count = 1 + Math.floor(next() * Math.min(pages - first, 2048));
      const start = region.start + BigInt(first) * PAGE;
      const toNode = nodes[Math.floor(next() * nodes.length)] as number;
      const result = await moveRanges({ pid: target.pid, ranges: [{ start, end: start + BigInt(count) * PAGE }], toNode });
      outcomes.push(`${result.outcome}/${result.counts.failed}`);
      const where = await placement(target.pid, { start, end: start + BigInt(count) * PAGE });
      assert.deepEqual(histogram(where), { [toNode]: count }, `move ${i}: ${count} pages at +${first} to node ${toNode}`);
    }
    assert.deepEqual(outcomes, new Array(16).fill('complete/0'));
    assert.deepEqual([await target.checksum(0), await target.checksum(1)], sums);
  } finally {
    await target.stop();
  }
});
