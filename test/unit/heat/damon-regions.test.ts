/**
 * DAMON's snapshots as numascope reads them: a tried_regions directory as the kernel writes it,
 * snapshots the kernel answered with no regions (its timeout), and regions with their pages' heat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeatRange } from '../../../app/common/heat.js';
import { readTriedRegions, regionHeat, takeSnapshot, type DamonRegion } from '../../../app/main/heat/damon.js';

function triedRegions(regions: DamonRegion[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'numascope-tried-'));
  regions.forEach((region, i) => {
    mkdirSync(join(dir, String(i)));
    for (const [name, value] of [['start', region.start], ['end', region.end], ['nr_accesses', region.nrAccesses], ['age', region.age]] as const) {
      writeFileSync(join(dir, String(i), name), `${value}\n`);
    }
  });
  writeFileSync(join(dir, 'total_bytes'), '0\n');
  return dir;
}

const snapshot: DamonRegion[] = [
  { start: 0x10000, end: 0x18000, nrAccesses: 19, age: 4 },
  { start: 0x18000, end: 0x20000, nrAccesses: 20, age: 4 },
  { start: 0x20000, end: 0x90000, nrAccesses: 0, age: 4 },
];

test('a tried_regions directory is read region by region, start, end, nr_accesses and age', () => {
  const dir = triedRegions(snapshot);
  try {
    assert.deepEqual(readTriedRegions(dir), snapshot);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a snapshot without regions (the kernel timed out) is asked for again, not taken as "nothing accessed"', () => {
  const answers = [[], snapshot];
  let updates = 0;
  const taken = takeSnapshot(
    () => updates++,
    () => answers[updates - 1] ?? [],
  );
  assert.deepEqual(taken, snapshot);
  assert.equal(updates, 2);
});

test('when every attempt comes back empty, there is no snapshot', () => {
  let updates = 0;
  assert.equal(
    takeSnapshot(
      () => updates++,
      () => [],
    ),
    null,
  );
  assert.equal(updates, 3);
});

test('directories are taken in numeric order (10 after 9)', () => {
  const many: DamonRegion[] = Array.from({ length: 12 }, (_, i) => ({ start: i * 0x1000, end: (i + 1) * 0x1000, nrAccesses: i, age: 1 }));
  const dir = triedRegions(many);
  try {
    assert.deepEqual(readTriedRegions(dir), many);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

const range = (start: number, end: number, heat: number, age: number | null = null): HeatRange => ({ start: BigInt(start), end: BigInt(end), heat, age });

test('a region is cut where its pages had different heat, each piece with the region\'s age', () => {
  // The idle region took in a busy neighbour's first page while DAMON's regions settled.
  const regions: DamonRegion[] = [
    { start: 0x10000, end: 0x20000, nrAccesses: 20, age: 2 },
    { start: 0x20000, end: 0x90000, nrAccesses: 0, age: 9 },
  ];
  const heat = [range(0x10000, 0x20000, 1), range(0x20000, 0x21000, 0.25)];
  assert.deepEqual(regionHeat(regions, heat), [range(0x10000, 0x20000, 1, 2), range(0x20000, 0x21000, 0.25, 9), range(0x21000, 0x90000, 0, 9)]);
});

test('regions whose pages were never used are whole ranges of heat 0; neighbours of equal heat stay apart', () => {
  const regions: DamonRegion[] = [
    { start: 0x10000, end: 0x20000, nrAccesses: 0, age: 4 },
    { start: 0x20000, end: 0x30000, nrAccesses: 0, age: 7 },
    { start: 0x40000, end: 0x50000, nrAccesses: 10, age: 1 },
  ];
  const heat = [range(0x3f000, 0x41000, 0.5), range(0x48000, 0x50000, 0.5)];
  assert.deepEqual(regionHeat(regions, heat), [
    range(0x10000, 0x20000, 0, 4),
    range(0x20000, 0x30000, 0, 7),
    range(0x40000, 0x41000, 0.5, 1),
    range(0x41000, 0x48000, 0, 1),
    range(0x48000, 0x50000, 0.5, 1),
  ]);
});
