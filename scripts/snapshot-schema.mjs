#!/usr/bin/env node
// Writes docs/snapshot.schema.json, the JSON Schema of the snapshot file, from the valibot
// schema the reader uses (app/common/snapshot/envelope.ts, built to dist/ by `npm run build`).
// With --check it only compares and exits 1 when the committed file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { root, scriptArgs } from './cli.mjs';

export const SCHEMA_FILE = join(root, 'docs', 'snapshot.schema.json');

const CONFIG = {
  target: 'draft-07',
  // The file is what the schema's objects read; the transforms after them only fill in defaults.
  typeMode: 'output',
  // Checks JSON Schema cannot say (a power of two, a real date) stay the reader's.
  ignoreActions: ['transform', 'check'],
};

/** The JSON Schema as text, ending with a newline. */
export async function snapshotJsonSchemaText() {
  const { snapshotEnvelope, snapshotRun, snapshotRuns } = await import(pathToFileURL(join(root, 'dist', 'app', 'common', 'snapshot', 'envelope.js')).href);
  const run = toJsonSchema(snapshotRun, CONFIG);
  delete run.$schema;
  const body = toJsonSchema(snapshotEnvelope, {
    ...CONFIG,
    // The runs are checked by a hand-written loop, not by a valibot schema; here they are what that loop accepts.
    overrideSchema: ({ valibotSchema }) => (valibotSchema === snapshotRuns ? { type: 'array', items: run } : undefined),
  });
  const { $schema, ...rest } = body;
  const schema = {
    $schema,
    title: 'numascope snapshot',
    description:
      'Where the pages of one process lived at one moment. Generated from app/common/snapshot/envelope.ts by scripts/snapshot-schema.mjs; ' +
      'docs/snapshot-format.md explains the fields and the rules JSON Schema cannot express (page alignment, sorted regions, runs adding up, totals equal to the runs).',
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = scriptArgs('usage: node scripts/snapshot-schema.mjs [--check]\n  writes docs/snapshot.schema.json from the built snapshot schema (run npm run build first)', {
    options: { check: { type: 'boolean' } },
  });
  const text = await snapshotJsonSchemaText();
  if (values.check) {
    let current = '';
    try {
      current = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // A missing file is out of date like any other.
    }
    if (current !== text) {
      console.error('snapshot-schema: docs/snapshot.schema.json is out of date; run npm run schema');
      process.exit(1);
    }
  } else writeFileSync(SCHEMA_FILE, text);
}
