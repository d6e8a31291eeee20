/** The snapshot file's optional heat section: written, read back, refused when wrong, and absent from old files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatSectionOf, measurementOf } from '../../../app/common/heat.js';
import { encodeSnapshot, parseSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { errorOf, samplePlacement, softDirtyMeasurement, topology } from './helpers.js';

const measurement = softDirtyMeasurement([
  { start: 0x555500000000n, end: 0x555500003000n, heat: 0.8, age: null },
  { start: 0x555500008000n, end: 0x555500009000n, heat: 0.2, age: null },
]);

function fileWithHeat() {
  return { ...encodeSnapshot({ placement: samplePlacement(), topology: topology(), tool: null }), heat: heatSectionOf(measurement) };
}

test('a measurement and its section convert both ways without loss', () => {
  const section = heatSectionOf(measurement);
  assert.deepEqual(section.ranges[0], { start: '0x555500000000', end: '0x555500003000', heat: 0.8, age: null });
  assert.equal(section.measuredAt, '2025-01-31T12:30:15.000Z');
  assert.equal(section.version, 1);
  assert.deepEqual(measurementOf(section), measurement);
});

test('a file with heat reads back with it, and its text is stable', () => {
  const file = fileWithHeat();
  const text = serializeSnapshot(file);
  assert.match(text, /\n {2}"heat": \{"version":1,"source":"soft-dirty","label":"writes only \(soft-dirty\)",/);
  const parsed = parseSnapshot(text);
  assert.deepEqual(parsed.heat, file.heat);
  assert.equal(serializeSnapshot(parsed), text);
});

test('a file without heat (every file written before the section) still opens, and writes no heat', () => {
  const old = encodeSnapshot({ placement: samplePlacement(), topology: topology(), tool: null });
  const text = serializeSnapshot(old);
  assert.doesNotMatch(text, /"heat"/);
  assert.equal(parseSnapshot(text).heat, undefined);
});

test('a wrong heat section is refused in one line naming the field', () => {
  const cases: [(heat: Record<string, unknown>) => void, RegExp][] = [
    [(heat) => (heat['version'] = 2), /^heat\.version: must be 1/],
    [(heat) => (heat['source'] = 'perf'), /^heat\.source: must be one of damon, soft-dirty, got "perf"/],
    [(heat) => ((heat['ranges'] as Record<string, unknown>[])[1]!['heat'] = 1.5), /^heat\.ranges\[1\]\.heat: must be a number from 0 to 1, got 1\.5/],
    [(heat) => ((heat['ranges'] as Record<string, unknown>[])[0]!['end'] = '0x555500000000'), /^heat\.ranges\[0\]: end must lie after start/],
    [(heat) => (heat['measuredAt'] = 'yesterday'), /^heat\.measuredAt: must be an ISO 8601 time/],
  ];
  for (const [spoil, message] of cases) {
    const value = JSON.parse(serializeSnapshot(fileWithHeat())) as { heat: Record<string, unknown> };
    spoil(value.heat);
    assert.match(errorOf(() => parseSnapshot(JSON.stringify(value))), message);
  }
});
