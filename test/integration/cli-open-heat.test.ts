/** `numascope open` of a snapshot that carries a heat measurement: the text names it and its hottest ranges; --json keeps it whole. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heatSectionOf } from '../../app/common/heat.js';
import { encodeSnapshot, serializeSnapshot, type SnapshotFile } from '../../app/common/snapshot/index.js';
import { samplePlacement, softDirtyMeasurement, topology } from '../unit/snapshot/helpers.js';
import { repoRoot } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-open-heat-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function open(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'open', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Address order, as measured; the hottest are not the first.
const measurement = softDirtyMeasurement(
  [0.2, 0.4, 1, 0.6, 0.2, 0.8, 0.6].map((heat, i) => ({ start: 0x555500000000n + BigInt(i * 0x2000), end: 0x555500001000n + BigInt(i * 0x2000), heat, age: null })),
);

test("open names a snapshot's heat: source, label, window and the five hottest ranges; --json has the section", () => {
  const file: SnapshotFile = { ...encodeSnapshot({ placement: samplePlacement(), topology: topology(), tool: null }), heat: heatSectionOf(measurement) };
  const path = join(dir, 'hot.snapshot');
  writeFileSync(path, serializeSnapshot(file));
  const text = open(path);
  assert.equal(text.status, 0, text.stderr);
  assert.match(
    text.stdout,
    /^heat: writes only \(soft-dirty\), source soft-dirty, measured 2025-01-31T12:30:10\.000Z to 2025-01-31T12:30:15\.000Z \(5 intervals of 1000 ms, 4 KiB pages \(PAGEMAP_SCAN\)\); 7 ranges seen used$/m,
  );
  const hottest = text.stdout.slice(text.stdout.indexOf('hottest 5 ranges:')).split('\n').slice(2, 7);
  assert.deepEqual(
    hottest.map((line) => line.split(/\s+/).filter(Boolean)),
    [
      ['0x555500004000', '0x555500005000', '4.0', 'KiB', '100.0%'],
      ['0x55550000a000', '0x55550000b000', '4.0', 'KiB', '80.0%'],
      ['0x555500006000', '0x555500007000', '4.0', 'KiB', '60.0%'],
      ['0x55550000c000', '0x55550000d000', '4.0', 'KiB', '60.0%'],
      ['0x555500002000', '0x555500003000', '4.0', 'KiB', '40.0%'],
    ],
  );
  const json = JSON.parse(open(path, '--json').stdout) as SnapshotFile;
  assert.deepEqual(json.heat, file.heat);

  const plain = join(dir, 'plain.snapshot');
  writeFileSync(plain, serializeSnapshot({ ...file, heat: undefined }));
  assert.doesNotMatch(open(plain).stdout, /heat/);
});
