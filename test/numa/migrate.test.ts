/**
 * Whole-process migration and the CLI, inside the multi-node guest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrateProcess } from '../../app/main/migrator/index.js';
import { CLI, cpulessNode, guestName, hex, histogram, multiNode, numaMapsOf, pagesOf, placement, run, startTarget } from './support.js';

test(`[${guestName}] migrate_pages moves the whole process from node 0 to node 1`, multiNode, async () => {
  const target = await startTarget(['--anon', '32M', '--nohuge', '--thp', '16M']);
  try {
    const regions = [target.region(0), target.region(1)];
    const sums = [await target.checksum(0), await target.checksum(1)];
    const result = await migrateProcess(target.pid, [0], [1]);
    const node = (id: number): { before: number; after: number } => result.totals.find((t) => t.node === id) ?? { before: 0, after: 0 };
    const n = regions.map((r) => pagesOf(r));
    assert.deepEqual(
      {
        mapping: result.mapping,
        notMoved: result.notMoved,
        // Every page numa_maps counted on node 0 is now on node 1.
        node0After: node(0).after,
        node1After: node(1).after,
        regions: await Promise.all(regions.map((r) => numaMapsOf(target.pid, r))),
        where: await Promise.all(regions.map(async (r) => histogram(await placement(target.pid, r)))),
        sums: [await target.checksum(0), await target.checksum(1)],
      },
      {
        mapping: [[0, 1]],
        notMoved: 0,
        node0After: 0,
        node1After: node(0).before + node(1).before,
        regions: n.map((pages) => ({ 1: pages })),
        where: n.map((pages) => ({ 1: pages })),
        sums,
      },
    );
  } finally {
    await target.stop();
  }
});

test(`[${guestName}] the CLI moves a range and migrates a process, with exit 0 and JSON summaries`, multiNode, async () => {
  const target = await startTarget(['--anon', '16M', '--nohuge']);
  try {
    const region = target.region(0);
    const n = pagesOf(region);
    const to = cpulessNode ?? 1;
    const move = await run(process.execPath, [CLI, 'move', String(target.pid), '--range', `${hex(region.start)}-${hex(region.end)}`, '--to', String(to), '--json']);
    const moved = JSON.parse(move.stdout) as { outcome: string; counts: { moved: number }; runs: [number, number][] };
    const migrate = await run(process.execPath, [CLI, 'migrate', String(target.pid), '--from', String(to), '--to', '0']);
    assert.deepEqual(
      {
        move: [move.code, move.stderr, moved.outcome, moved.counts.moved, moved.runs],
        migrate: [migrate.code, migrate.stderr],
        where: histogram(await placement(target.pid, region)),
      },
      {
        move: [0, '', 'complete', n, [[n, to]]],
        migrate: [0, ''],
        where: { 0: n },
      },
    );
    assert.match(migrate.stdout, new RegExp(`migrated from nodes ${to} to 0 in [\\d.]+ s\\n  pairs: ${to} -> 0\\n`));
  } finally {
    await target.stop();
  }
});
