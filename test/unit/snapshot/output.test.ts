/**
 * Writing and reading snapshots by what the path is: regular files, links, FIFOs, devices,
 * sockets. Devices are made with mknod in a scratch directory, never the machine's /dev.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, link, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { encodeSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { readSnapshotFile, writeSnapshotFile } from '../../../app/main/snapshot/io.js';
import { asyncErrorOf, samplePlacement, topology } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const sample = encodeSnapshot({ placement: samplePlacement(), topology: topology() });
const text = serializeSnapshot(sample);

async function inScratch(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'numascope-output-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts `cat FIFO` and resolves with everything it read once the writer closes. */
function catFifo(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

test('a mode-600 file keeps its mode (and, as root, its owner) when replaced', async () => {
  await inScratch(async (dir) => {
    const path = join(dir, 'private.json');
    await writeFile(path, 'old');
    await chmod(path, 0o600);
    if (isRoot) await chown(path, 65534, 65534);
    await writeSnapshotFile(path, sample);
    const info = await stat(path);
    assert.deepEqual(
      { mode: info.mode & 0o7777, owner: isRoot ? [info.uid, info.gid] : null, text: await readFile(path, 'utf8'), listing: await readdir(dir) },
      { mode: 0o600, owner: isRoot ? [65534, 65534] : null, text, listing: ['private.json'] },
    );
  });
});

test('a symbolic link is followed: the file it points to is replaced and the link stays', async () => {
  await inScratch(async (dir) => {
    await mkdir(join(dir, 'real'));
    const target = join(dir, 'real', 'snap.json');
    await writeFile(target, 'old');
    await chmod(target, 0o640);
    await symlink('real/snap.json', join(dir, 'link.json'));
    const result = await writeSnapshotFile(join(dir, 'link.json'), sample);
    assert.deepEqual(
      {
        result,
        link: (await lstat(join(dir, 'link.json'))).isSymbolicLink(),
        to: await readlink(join(dir, 'link.json')),
        mode: (await stat(target)).mode & 0o777,
        text: await readFile(target, 'utf8'),
        listing: (await readdir(join(dir, 'real'))).sort(),
      },
      { result: { kind: 'file', written: target }, link: true, to: 'real/snap.json', mode: 0o640, text, listing: ['snap.json'] },
    );
  });
});

test('a hard-linked file is replaced by name: the other names keep the old content', async () => {
  await inScratch(async (dir) => {
    await writeFile(join(dir, 'a.json'), 'old');
    await link(join(dir, 'a.json'), join(dir, 'b.json'));
    await writeSnapshotFile(join(dir, 'a.json'), sample);
    assert.deepEqual([await readFile(join(dir, 'a.json'), 'utf8'), await readFile(join(dir, 'b.json'), 'utf8')], [text, 'old']);
  });
});

test('a FIFO is written to as a stream, never replaced', { timeout: 20_000 }, async () => {
  await inScratch(async (dir) => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const read = catFifo(fifo);
    const result = await writeSnapshotFile(fifo, sample);
    assert.deepEqual({ result, got: await read, fifo: (await lstat(fifo)).isFIFO() }, { result: { kind: 'stream', written: fifo }, got: text, fifo: true });
  });
});

test('a FIFO with no reader is waited for, and the wait ends when aborted', async () => {
  await inScratch(async (dir) => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const controller = new AbortController();
    let waited = 0;
    const writing = writeSnapshotFile(fifo, sample, { signal: controller.signal, onWaitingForReader: () => waited++ });
    setTimeout(() => controller.abort(new Error('stop')), 200);
    await assert.rejects(writing, /stop/);
    assert.deepEqual({ waited, fifo: (await lstat(fifo)).isFIFO() }, { waited: 1, fifo: true });
  });
});

test('character devices are written to, never replaced: a null device takes it, a full device is one clear line', { skip: isRoot ? false : 'mknod needs root' }, async () => {
  await inScratch(async (dir) => {
    execFileSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
    execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
    const result = await writeSnapshotFile(join(dir, 'null'), sample);
    const message = await asyncErrorOf(() => writeSnapshotFile(join(dir, 'full'), sample));
    assert.deepEqual(
      { result, message, nullIsDevice: (await lstat(join(dir, 'null'))).isCharacterDevice(), fullIsDevice: (await lstat(join(dir, 'full'))).isCharacterDevice(), listing: (await readdir(dir)).sort() },
      {
        result: { kind: 'stream', written: join(dir, 'null') },
        message: `cannot write snapshot ${dir}/full: no space left on the device`,
        nullIsDevice: true,
        fullIsDevice: true,
        listing: ['full', 'null'],
      },
    );
  });
});

test('a block device is refused without being opened', { skip: isRoot ? false : 'mknod needs root' }, async () => {
  await inScratch(async (dir) => {
    // Major 60 is reserved for local use and has no driver here, so even a regression could not reach a disk.
    execFileSync('mknod', [join(dir, 'disk'), 'b', '60', '0']);
    assert.equal(await asyncErrorOf(() => writeSnapshotFile(join(dir, 'disk'), sample)), `cannot write snapshot ${dir}/disk: it is a block device; numascope does not write to disks`);
  });
});

test('a Unix socket is connected to and sent the snapshot', async () => {
  await inScratch(async (dir) => {
    const path = join(dir, 'sock');
    let got = '';
    const received = new Promise<void>((resolve) => {
      const server = createServer((socket) => {
        socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
        socket.on('end', () => server.close(() => resolve()));
      });
      server.listen(path);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await writeSnapshotFile(path, sample);
    await received;
    assert.deepEqual({ result, same: got === text }, { result: { kind: 'stream', written: path }, same: true });
  });
});

test('outputs that cannot be written name the real cause', async () => {
  await inScratch(async (dir) => {
    await writeFile(join(dir, 'file'), 'keep');
    await mkdir(join(dir, 'sub'));
    await symlink('nowhere.json', join(dir, 'dangling'));
    const messages = [
      await asyncErrorOf(() => writeSnapshotFile('/proc/version', sample)),
      await asyncErrorOf(() => writeSnapshotFile(`${dir}/sub/`, sample)),
      await asyncErrorOf(() => writeSnapshotFile(`${dir}/new/`, sample)),
      await asyncErrorOf(() => writeSnapshotFile(join(dir, 'file', 'x.json'), sample)),
      await asyncErrorOf(() => writeSnapshotFile(join(dir, 'dangling'), sample)),
    ];
    assert.deepEqual(messages, [
      'cannot write snapshot /proc/version: /proc is a kernel file system (proc); its files are kernel interfaces, not a place to save to',
      `cannot write snapshot ${dir}/sub/: a directory is in the way`,
      `cannot write snapshot ${dir}/new/: the name ends in "/", which only a directory's name can`,
      `cannot write snapshot ${dir}/file/x.json: ${dir}/file is not a directory`,
      `cannot write snapshot ${dir}/dangling: it is a symbolic link to nowhere.json, which does not exist (numascope does not create files through a dangling link; name the file itself)`,
    ]);
    assert.deepEqual((await readdir(dir)).sort(), ['dangling', 'file', 'sub']);
    assert.equal(await readFile(join(dir, 'file'), 'utf8'), 'keep');
  });
});

test('with streams, a FIFO, a character device and standard input are read, with the size limit applied while reading', async () => {
  await inScratch(async (dir) => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat > "$1"', 'sh', fifo], { stdio: ['pipe', 'ignore', 'inherit'] });
    writer.stdin.end(text);
    const fromFifo = await readSnapshotFile(fifo, { streams: true });
    const stdin = new PassThrough();
    stdin.end(text);
    const fromStdin = await readSnapshotFile('-', { streams: true, stdin });
    const endless = new PassThrough();
    endless.write(Buffer.alloc(4096, 0x20));
    endless.write(Buffer.alloc(4096, 0x20));
    const tooMuch = await asyncErrorOf(() => readSnapshotFile('/dev/stdin', { streams: true, stdin: endless, maxBytes: 4096 }));
    const messages = [tooMuch];
    if (isRoot) {
      execFileSync('mknod', [join(dir, 'zero'), 'c', '1', '5']);
      messages.push(await asyncErrorOf(() => readSnapshotFile(join(dir, 'zero'), { streams: true, maxBytes: 1024 * 1024 })));
    }
    assert.deepEqual(
      { fromFifo, fromStdin, messages },
      {
        fromFifo: sample,
        fromStdin: sample,
        messages: ['cannot read snapshot standard input: the input is over the limit of 4 KiB', ...(isRoot ? [`cannot read snapshot ${dir}/zero: the input is over the limit of 1 MiB`] : [])],
      },
    );
  });
});

test('waiting for a FIFO writer ends when aborted', async () => {
  await inScratch(async (dir) => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 200);
    await assert.rejects(readSnapshotFile(fifo, { streams: true, signal: controller.signal }), /stop/);
  });
});
