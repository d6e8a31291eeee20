/**
 * docs/snapshot.schema.json: generated from the reader's own schema, kept up to date, and
 * usable by a stock JSON Schema validator (ajv) on real files, agreeing with the reader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import * as v from 'valibot';
import { encodeSnapshot, parseSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { snapshotRun } from '../../../app/common/snapshot/envelope.js';
import { SnapshotError } from '../../../app/common/snapshot/error.js';
import { cli } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/target.js';
import { samplePlacement, topology } from './helpers.js';
import { mutated } from './mutate.js';

interface SchemaScript {
  SCHEMA_FILE: string;
  snapshotJsonSchemaText(): Promise<string>;
}

const script = (await import(pathToFileURL(join(repoRoot, 'scripts', 'snapshot-schema.mjs')).href)) as SchemaScript;
const committed = await readFile(script.SCHEMA_FILE, 'utf8');
const validate = new Ajv({ allErrors: false }).compile(JSON.parse(committed) as object);

function readerAccepts(text: string): boolean {
  try {
    parseSnapshot(text);
    return true;
  } catch (error) {
    if (error instanceof SnapshotError) return false;
    throw error;
  }
}

function schemaAccepts(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return validate(value);
}

test('the committed docs/snapshot.schema.json is what the schema generates (npm run schema)', async () => {
  assert.equal(committed, await script.snapshotJsonSchemaText(), 'docs/snapshot.schema.json is out of date: run npm run schema and commit it');
});

test('a real snapshot, written by numascope snapshot, validates against the JSON Schema', async () => {
  const written = await cli(['snapshot', String(process.pid)]);
  assert.equal(written.code, 0, written.stderr);
  assert.ok(readerAccepts(written.stdout));
  assert.equal(validate(JSON.parse(written.stdout)), true, JSON.stringify(validate.errors));
});

test('a file with only the required fields validates, and what the reader refuses for a field the schema refuses', () => {
  const valid = serializeSnapshot(encodeSnapshot({ placement: samplePlacement(), topology: topology(), tool: null }));
  const minimal = {
    format: 'numascope-snapshot',
    version: 1,
    takenAt: '2025-01-31T12:30:15+01:00',
    kernel: '6.1.0',
    pageSize: 4096,
    process: { pid: 7, comm: 'a.out', cmdline: ['./a.out'], startTime: 100 },
    nodes: [{ id: 0, cpus: [0], memTotal: 1024, memFree: 512, distances: [10] }],
    vmas: [{ start: '0x1000', end: '0x3000', perms: 'rw-p', path: '', runs: [[1, 0], [1, -2]] }],
    totals: { byNode: { '0': 1 }, byStatus: { '-2': 1 } },
  };
  assert.equal(validate(minimal), true, JSON.stringify(validate.errors));
  assert.ok(readerAccepts(JSON.stringify(minimal)));

  const refused = [
    valid.replace('"pid":4242', '"pid":"4242"'),
    valid.replace('"perms":"rw-p"', '"perms":"rwx"'),
    valid.replace('"kind":"anon"', '"kind":"gpu"'),
    valid.replace('"byStatus":{', '"byStatus":{"3":0,'),
    valid.replace('"byNode":{', '"byNode":{"4096":0,'),
    valid.replace('"start":"0x7f0000000000"', '"start":"7f0000000000"'),
    valid.replace('[4,-14]', '[4,-14,1]'),
    valid.replace('[4,-14]', '[4,-4096]'),
    valid.replace('"memTotal":', '"memTotal":-1,"x":'),
    valid.replace('"kernel"', '"kernal"'),
  ];
  for (const text of refused) {
    assert.notEqual(text, valid);
    assert.deepEqual([readerAccepts(text), schemaAccepts(text)], [false, false], text.slice(0, 200));
  }
});

test('the JSON Schema is never stricter than the reader: every fuzzed file the reader opens validates', () => {
  let opened = 0;
  for (let seed = 0; seed < 400; seed++) {
    const { name, text } = mutated(seed);
    if (!readerAccepts(text)) continue;
    opened++;
    assert.equal(schemaAccepts(text), true, `${name} (seed ${seed}): ${JSON.stringify(validate.errors)}`);
  }
  assert.ok(opened > 20, `only ${opened} mutated files opened`);
});

test('the reader checks runs by hand with the rules of the snapshotRun schema', () => {
  const candidates: unknown[] = [[1, 0], [3, -2], [2 ** 40, 4095], [1, -4095], [0, 0], [-1, 0], [2.5, 0], [1, 1.5], [1, 4096], [1, -4096], [1, '0'], ['1', 0], [1], [1, 0, 0], 'x', null, {}];
  for (const run of candidates) {
    const count = Array.isArray(run) && typeof run[0] === 'number' && Number.isSafeInteger(run[0]) && run[0] > 0 ? run[0] : 1;
    const status = Array.isArray(run) && run[1] === 0 ? 0 : null;
    const file = {
      format: 'numascope-snapshot',
      version: 1,
      takenAt: '2025-01-31T12:30:15Z',
      kernel: '6.1.0',
      pageSize: 4096,
      process: { pid: 7, comm: 'a.out', cmdline: [], startTime: 100 },
      nodes: [{ id: 0, cpus: [0], memTotal: 1024, memFree: 512, distances: [10] }],
      vmas: [{ start: '0x1000', end: `0x${(0x1000 + count * 4096).toString(16)}`, perms: 'rw-p', path: '', runs: [run] }],
      // Totals that match a valid run, so only the run itself decides.
      totals: Array.isArray(run) && v.is(snapshotRun, run) ? totalsOf(run as [number, number]) : { byNode: { '0': status === 0 ? count : 0 }, byStatus: {} },
    };
    const text = JSON.stringify(file);
    assert.equal(readerAccepts(text), v.is(snapshotRun, run), `run ${JSON.stringify(run)}`);
    assert.equal(schemaAccepts(text), v.is(snapshotRun, run), `run ${JSON.stringify(run)} against the JSON Schema`);
  }
});

function totalsOf([count, status]: [number, number]): { byNode: Record<string, number>; byStatus: Record<string, number> } {
  return status >= 0 ? { byNode: { '0': status === 0 ? count : 0, [String(status)]: count }, byStatus: {} } : { byNode: { '0': 0 }, byStatus: { [String(status)]: count } };
}
