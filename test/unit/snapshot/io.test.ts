import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSnapshot, parseSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { readSnapshotFile, writeSnapshotFile } from '../../../app/main/snapshot/io.js';
import { asyncErrorOf, placement, random, region, samplePlacement, topology } from './helpers.js';

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'numascope-snapshot-'));
}

/** Runs `body` with a fresh scratch directory, removed afterwards whatever happens. */
async function inScratch(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await scratch();
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sample = encodeSnapshot({ placement: samplePlacement(), topology: topology() });

test('write then read gives the same file and leaves nothing else in the directory', async () => {
  await inScratch(async (dir) => {
    const path = join(dir, 'snap.json');
    await writeSnapshotFile(path, sample);
    await writeSnapshotFile(path, sample); // replacing an existing file
    assert.deepEqual(
      { listing: await readdir(dir), file: await readSnapshotFile(path), text: await readFile(path, 'utf8') },
      { listing: ['snap.json'], file: sample, text: serializeSnapshot(sample) },
    );
  });
});

test('a reader polling during repeated rewrites only ever sees whole files', async () => {
  await inScratch(async (dir) => {
    const path = join(dir, 'snap.json');
    // Random statuses make the files a few MB, so a non-atomic write would be caught halfway.
    const next = random(11);
    const versions = [1, 2].map((seed) => {
      const status = Int16Array.from({ length: 150_000 }, () => (next() < 0.5 ? 0 : seed));
      return encodeSnapshot({ placement: placement([region(0x7f0000000000n, status)]), topology: topology() });
    });
    const texts = new Set(versions.map(serializeSnapshot));
    await writeSnapshotFile(path, versions[0]!);
    let writing = true;
    const seen = { whole: 0, other: 0 };
    const reader = (async () => {
      while (writing) {
        const text = await readFile(path, 'utf8');
        if (texts.has(text)) seen.whole++;
        else seen.other++;
      }
    })();
    for (let i = 0; i < 12; i++) await writeSnapshotFile(path, versions[i % 2]!);
    writing = false;
    await reader;
    assert.deepEqual({ other: seen.other, sawSome: seen.whole > 0, listing: await readdir(dir) }, { other: 0, sawSome: true, listing: ['snap.json'] });
  });
});

test('write failures are clear and leave no temp file behind', async () => {
  await inScratch(async (dir) => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken', 'inside'), 'keep me');
    const messages = [
      await asyncErrorOf(() => writeSnapshotFile(join(dir, 'missing', 'snap.json'), sample)),
      await asyncErrorOf(() => writeSnapshotFile(join(dir, 'taken'), sample)),
    ];
    assert.deepEqual(
      { messages, listing: (await readdir(dir)).sort() },
      {
        messages: [
          `cannot write snapshot ${dir}/missing/snap.json: directory ${dir}/missing does not exist`,
          `cannot write snapshot ${dir}/taken: a directory is in the way`,
        ],
        listing: ['taken'],
      },
    );
  });
});

test('read failures name the path and the reason', async () => {
  await inScratch(async (dir) => {
    const good = join(dir, 'good.json');
    await writeSnapshotFile(good, sample);
    const text = serializeSnapshot(sample);
    await writeFile(join(dir, 'half.json'), text.slice(0, 300));
    await writeFile(join(dir, 'gzip.json'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]));
    await writeFile(join(dir, 'v2.json'), text.replace('"version": 1', '"version": 2'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const size = Buffer.byteLength(text);
    const messages = [
      await asyncErrorOf(() => readSnapshotFile(join(dir, 'nope.json'))),
      await asyncErrorOf(() => readSnapshotFile(dir)),
      await asyncErrorOf(() => readSnapshotFile(join(dir, 'fifo'))),
      await asyncErrorOf(() => readSnapshotFile(good, { maxBytes: 1024 })),
      await asyncErrorOf(() => readSnapshotFile(join(dir, 'half.json'))),
      await asyncErrorOf(() => readSnapshotFile(join(dir, 'gzip.json'))),
      await asyncErrorOf(() => readSnapshotFile(join(dir, 'v2.json'))),
      await asyncErrorOf(() => readSnapshotFile(join(good, 'below'))),
    ];
    const halfLines = text.slice(0, 300).split('\n');
    assert.deepEqual(messages, [
      `cannot read snapshot ${dir}/nope.json: no such file or directory`,
      `cannot read snapshot ${dir}: it is a directory, not a file`,
      `cannot read snapshot ${dir}/fifo: it is not a regular file`,
      `cannot read snapshot ${good}: the file is ${size} bytes, over the limit of 1 KiB`,
      `cannot read snapshot ${dir}/half.json: not valid JSON: the text ends at line ${halfLines.length}, column ${(halfLines.at(-1)?.length ?? 0) + 1} before the JSON is complete (truncated file?)`,
      `cannot read snapshot ${dir}/gzip.json: not a numascope snapshot: the file is not UTF-8 text (compressed or binary?)`,
      `cannot read snapshot ${dir}/v2.json: snapshot version 2 is not supported: this numascope reads version 1 only`,
      `cannot read snapshot ${good}/below: a part of the path is not a directory`,
    ]);
  });
});

test('permission problems are reported as such', { skip: process.getuid?.() === 0 ? 'root ignores file permissions' : false }, async () => {
  const dir = await scratch();
  try {
    const locked = join(dir, 'locked.json');
    await writeSnapshotFile(locked, sample);
    await chmod(locked, 0o000);
    const readOnlyDir = join(dir, 'ro');
    await mkdir(readOnlyDir, { mode: 0o555 });
    assert.deepEqual(
      [await asyncErrorOf(() => readSnapshotFile(locked)), await asyncErrorOf(() => writeSnapshotFile(join(readOnlyDir, 's.json'), sample))],
      [`cannot read snapshot ${locked}: permission denied`, `cannot write snapshot ${readOnlyDir}/s.json: permission denied to create files in ${readOnlyDir}`],
    );
  } finally {
    await chmod(join(dir, 'ro'), 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

test('what is written is what parseSnapshot reads', async () => {
  await inScratch(async (dir) => {
    const path = join(dir, 's.json');
    await writeSnapshotFile(path, sample);
    assert.deepEqual(parseSnapshot(await readFile(path, 'utf8')), sample);
  });
});
