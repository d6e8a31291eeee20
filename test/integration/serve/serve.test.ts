/**
 * Serve mode end to end: the real HTTP server on a free port, the real service, a real
 * target process, the real kernel.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { MovePlan, MovePlanRequest, PlacementSnapshot, PlacementWindow, ProcessExited, Result, WireMoveResult } from '../../../app/common/ipc.js';
import { OVERVIEW_BINS } from '../../../app/common/placement-tiles.js';
import { decodeRuns } from '../../../app/common/snapshot/index.js';
import type { SnapshotFile } from '../../../app/common/snapshot/index.js';
import type { ProcessIdentity, ProcessSummary, Topology } from '../../../app/common/types.js';
import { readIdentity } from '../../../app/main/proc/identity.js';
import { CONTENT_SECURITY_POLICY, MAX_BODY_BYTES, startServer } from '../../../app/main/serve/index.js';
import { NumascopeService } from '../../../app/main/service/index.js';
import { Target, repoRoot, type TargetRegion } from '../../helpers/target.js';
import { EventReader, send, type Reply } from './http-client.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-serve-'));
const rendererDir = join(dir, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>numascope</title><script src="app.js"></script>');
writeFileSync(join(rendererDir, 'app.js'), 'console.log("numascope");\n');
writeFileSync(join(dir, 'secret.txt'), 'outside the renderer folder');

const target = await Target.start(['--anon', '16M', '--nohuge']);
const service = new NumascopeService();
const server = await startServer({ service, rendererDir });
const { port, token } = server;
const host = `127.0.0.1:${port}`;
const origin = `http://${host}`;
const auth = { Authorization: `Bearer ${token}` };
const readers: EventReader[] = [];

after(async () => {
  for (const reader of readers) reader.close();
  await server.close();
  await service.close();
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

const anon = target.region(0) as TargetRegion;
const PAGE = BigInt(target.info.pageSize);
const anonPages = Number((anon.end - anon.start) / PAGE);

async function api<T>(channel: string, body: unknown, headers: Record<string, string> = auth): Promise<{ reply: Reply; result: Result<T> }> {
  const reply = await send({ port, path: `/api/${channel}`, method: 'POST', headers, body: JSON.stringify(body) });
  return { reply, result: JSON.parse(reply.body) as Result<T> };
}

async function value<T>(channel: string, body: unknown): Promise<T> {
  const { reply, result } = await api<T>(channel, body);
  assert.equal(reply.status, 200, reply.body);
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

async function events(): Promise<EventReader> {
  const reader = await EventReader.open(port, `/api/events?token=${token}`);
  readers.push(reader);
  return reader;
}

async function identity(): Promise<ProcessIdentity> {
  return value<ProcessIdentity>('process:watch', { pid: target.pid, intervalMs: 500 });
}

function moveRequest(id: ProcessIdentity, toNode = 0): MovePlanRequest {
  return { pid: id.pid, startTime: id.startTime, ranges: [{ start: `0x${anon.start.toString(16)}`, end: `0x${anon.end.toString(16)}` }], toNode, moveAll: false };
}

/** The statuses of the target's anonymous region, from a snapshot (the region may be part of a larger VMA). */
function anonStatuses(snapshot: SnapshotFile): number[] {
  const vma = snapshot.vmas.find((v) => BigInt(v.start) <= anon.start && BigInt(v.end) >= anon.end);
  assert.ok(vma, 'the snapshot has no region holding the target\'s memory');
  const status = decodeRuns(vma.runs, Number((BigInt(vma.end) - BigInt(vma.start)) / PAGE));
  const from = Number((anon.start - BigInt(vma.start)) / PAGE);
  return [...new Set(status.toArray().subarray(from, from + anonPages))];
}

test('/api without a token is 401, with a wrong one 403, as Result bodies', async () => {
  const missing = await api('system:topology', null, {});
  assert.equal(missing.reply.status, 401);
  assert.equal(missing.result.ok === false && missing.result.error.code, 'UNAUTHORIZED');
  const wrong = await api('system:topology', null, { Authorization: 'Bearer not-the-token' });
  assert.equal(wrong.reply.status, 403);
  assert.equal(wrong.result.ok === false && wrong.result.error.code, 'FORBIDDEN');
  const wrongQuery = await send({ port, path: '/api/system:topology?token=nope', method: 'POST' });
  assert.equal(wrongQuery.status, 403);
  const noScheme = await api('system:topology', null, { Authorization: token });
  assert.equal(noScheme.reply.status, 403, 'a token without "Bearer" is not accepted');
  const stream = await EventReader.open(port, '/api/events');
  stream.close();
  assert.equal(stream.status, 401);
});

test('the token also works as ?token= (EventSource cannot send headers)', async () => {
  const reply = await send({ port, path: `/api/system:topology?token=${token}`, method: 'POST' });
  assert.equal(reply.status, 200);
});

test('a foreign Host (DNS rebinding) is refused, for the page and the API', async () => {
  for (const path of ['/', `/?token=${token}`, '/app.js']) {
    const reply = await send({ port, path, headers: { Host: `evil.example:${port}` } });
    assert.equal(reply.status, 403, path);
    assert.match(reply.body, /Host "evil\.example:\d+" is not this server/);
  }
  const { reply, result } = await api('system:topology', null, { ...auth, Host: `127.0.0.1:${port + 1}` });
  assert.equal(reply.status, 403);
  assert.equal(result.ok === false && result.error.code, 'FORBIDDEN_HOST');
  const byName = await send({ port, path: '/', headers: { Host: `localhost:${port}` } });
  assert.equal(byName.status, 200, 'localhost:PORT names this server too');
});

test('a foreign Origin or a cross-site fetch is refused; our own origin is fine', async () => {
  for (const foreign of ['https://evil.example', 'null', `http://localhost:${port + 1}`, `https://${host}`]) {
    const { reply, result } = await api('system:topology', null, { ...auth, Origin: foreign });
    assert.equal(reply.status, 403, foreign);
    assert.equal(result.ok === false && result.error.code, 'FORBIDDEN_ORIGIN');
  }
  const crossSite = await api('system:topology', null, { ...auth, 'Sec-Fetch-Site': 'cross-site' });
  assert.equal(crossSite.reply.status, 403);
  const own = await api('system:topology', null, { ...auth, Origin: origin, 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(own.reply.status, 200);
  assert.equal(own.reply.headers['access-control-allow-origin'], undefined, 'no CORS');
});

test('GET / with the token serves the page with the strict CSP and nosniff', async () => {
  const reply = await send({ port, path: `/?token=${token}&pid=${target.pid}` });
  assert.equal(reply.status, 200);
  assert.match(reply.headers['content-type'] ?? '', /^text\/html/);
  assert.equal(reply.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.equal(
    CONTENT_SECURITY_POLICY,
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
  assert.equal(reply.headers['x-content-type-options'], 'nosniff');
  assert.equal(reply.headers['referrer-policy'], 'no-referrer');
  assert.match(reply.body, /<script src="app\.js">/);
  const script = await send({ port, path: '/app.js' });
  assert.equal(script.status, 200);
  assert.match(script.headers['content-type'] ?? '', /^text\/javascript/);
});

test('static files never come from outside the renderer folder', async () => {
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00', '/a\\..\\secret.txt']) {
    const reply = await send({ port, path });
    assert.ok(reply.status === 400 || reply.status === 404, `${path}: ${reply.status}`);
    assert.doesNotMatch(reply.body, /outside the renderer folder/);
  }
  assert.equal((await send({ port, path: '/missing.js' })).status, 404);
  assert.equal((await send({ port, path: '/', method: 'POST' })).status, 405);
});

test('without a built renderer, / says so (and the API still works)', async () => {
  const bare = await startServer({ service, rendererDir: join(dir, 'not-built') });
  try {
    const reply = await send({ port: bare.port, path: `/?token=${bare.token}` });
    assert.equal(reply.status, 200);
    assert.match(reply.body, /renderer is not built/);
    assert.equal(reply.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  } finally {
    await bare.close();
  }
});

test('/api/system:topology answers with this machine\'s nodes', async () => {
  const topology = await value<Topology>('system:topology', null);
  assert.ok(topology.nodes.some((node) => node.id === 0));
  assert.equal(topology.pageSize, target.info.pageSize);
  // An empty body is the null request.
  const { reply } = await api('process:list', undefined);
  assert.equal(reply.status, 200);
});

test('/api/process:list includes the target, readable', async () => {
  const list = await value<ProcessSummary[]>('process:list', null);
  const mine = list.find((p) => p.pid === target.pid);
  assert.ok(mine, 'the target is not in the list');
  assert.equal(mine.readable, true);
  assert.match(mine.comm, /^target/);
});

test('process:watch streams placement:update events covering the target on node 0', async () => {
  const stream = await events();
  assert.equal(stream.status, 200);
  assert.match(stream.headers['content-type'] ?? '', /^text\/event-stream/);
  const id = await identity();
  assert.equal(id.pid, target.pid);
  const update = await stream.next('placement:update', (u) => u.placement.process.pid === target.pid);
  assert.ok((update.placement.totals.byNode['0'] ?? 0) >= anonPages);
  // The update is sized by what the views draw: regions with totals, and an overview of bounded size.
  const vma = update.placement.vmas.find((v) => BigInt(v.start) <= anon.start && BigInt(v.end) >= anon.end);
  assert.ok(vma, 'the update has no region holding the target\'s memory');
  assert.ok((vma.counts.find(([, status]) => status === 0)?.[0] ?? 0) >= anonPages);
  assert.ok(update.overview.kind === 'runs' ? update.overview.runs.length / 2 <= OVERVIEW_BINS : Math.ceil((update.overview.to - update.overview.from) / update.overview.pagesPerBin) <= OVERVIEW_BINS);
  // The region's pages in detail, and the whole scan as a snapshot, on request.
  const offset = update.placement.vmas.slice(0, update.placement.vmas.indexOf(vma)).reduce((sum, v) => sum + Number((BigInt(v.end) - BigInt(v.start)) / PAGE), 0);
  const first = offset + Number((anon.start - BigInt(vma.start)) / PAGE);
  const window = await value<PlacementWindow>('placement:window', { from: first, to: first + anonPages, pagesPerBin: 1 });
  assert.ok(window.sequence >= update.sequence);
  assert.deepEqual(window.tile, { kind: 'runs', from: first, to: first + anonPages, runs: [anonPages, 0] });
  const full = await value<PlacementSnapshot>('placement:snapshot', null);
  assert.equal(full.snapshot.format, 'numascope-snapshot');
  assert.deepEqual(anonStatuses(full.snapshot), [0]);
  // A later subscriber gets the current picture at once.
  const late = await events();
  const replayed = await late.next('placement:update', (u) => u.placement.process.pid === target.pid, 2000);
  assert.ok(replayed.sequence >= update.sequence);
  // The next scans come with what changed (nothing, or little).
  const second = await stream.next('placement:update', (u) => u.sequence > update.sequence && u.placement.process.pid === target.pid);
  assert.ok(second.changes !== null);
  assert.ok(second.changes.ranges.length <= second.changes.rangesTotal);
});

test('process:polling pauses and changes the interval of the watched process', async () => {
  await identity();
  assert.deepEqual(await value('process:polling', { paused: true }), { paused: true, intervalMs: 500 });
  assert.deepEqual(await value('process:polling', { intervalMs: 250 }), { paused: true, intervalMs: 250 });
  assert.deepEqual(await value('process:polling', { paused: false }), { paused: false, intervalMs: 250 });
  assert.equal(await value('process:unwatch', null), null);
  const { result } = await api('process:polling', {});
  assert.equal(result.ok === false && result.error.code, 'NOT_WATCHING');
});

test('move:plan for the target\'s region to node 0: every page already there', async () => {
  const id = await identity();
  const plan = await value<MovePlan>('move:plan', moveRequest(id));
  assert.deepEqual(plan, {
    pages: anonPages,
    bytes: anonPages * target.info.pageSize,
    pagesToMove: 0,
    alreadyOnTarget: anonPages,
    notPresent: 0,
    targetNode: 0,
    targetFreeBytes: plan.targetFreeBytes,
    allowed: true,
    reason: null,
    pagesByNode: [[0, anonPages]],
    // This host has one node: nothing is worth offering, and the plan says why.
    targets: [],
    noTargetReason: 'this machine has one NUMA node with memory (node 0): there is no other node to move pages to',
  });
  assert.ok(plan.targetFreeBytes > 0);
});

test('move:plan for a pid reused or a node that does not exist says so', async () => {
  const id = await identity();
  const { result } = await api('move:plan', { ...moveRequest(id), startTime: id.startTime + 1 });
  assert.equal(result.ok === false && result.error.code, 'IDENTITY_CHANGED');
  const noNode = await value<MovePlan>('move:plan', moveRequest(id, 1023));
  assert.equal(noNode.allowed, false);
  assert.match(noNode.reason ?? '', /^node 1023 does not exist on this machine/);
  const refused = await api('move:start', moveRequest(id, 1023));
  assert.deepEqual(refused.result.ok === false && refused.result.error.code, 'ENODEV');
});

test('move:start to node 0 ends with a move:done event, outcome complete', async () => {
  const stream = await events();
  const id = await identity();
  const { moveId } = await value<{ moveId: string }>('move:start', moveRequest(id));
  const done: WireMoveResult = await stream.next('move:done', (d) => d.moveId === moveId);
  assert.equal(done.outcome, 'complete', done.message);
  assert.equal(done.toNode, 0);
  assert.deepEqual(done.counts, { requested: anonPages, unmapped: 0, notPresent: 0, alreadyOnTarget: anonPages, toMove: 0, moved: 0, failed: 0, notAttempted: 0 });
  assert.deepEqual(done.segments, [{ start: `0x${anon.start.toString(16)}`, end: `0x${anon.end.toString(16)}` }]);
  assert.deepEqual(done.statusRuns, [[anonPages, 0]]);
  assert.equal(done.undoable, false);
  // The views are refreshed right after the move.
  await stream.next('placement:update', (u) => u.placement.process.pid === target.pid && Date.parse(u.placement.takenAt) >= Date.now() - 5000);
  // Cancelling a finished move is harmless; undoing a move that moved nothing is not possible.
  assert.equal(await value('move:cancel', { moveId }), null);
  const undo = await api('move:undo', { moveId });
  assert.equal(undo.result.ok === false && undo.result.error.code, 'UNKNOWN_MOVE');
});

test('a move for a pid other than the watched one, or with a stale start time, is refused', async () => {
  const id = await identity();
  // This test runner is a live process the server may read, but it is not the one watched.
  const runner = await readIdentity(process.pid);
  for (const channel of ['move:plan', 'move:start']) {
    const other = await api(channel, { ...moveRequest(id), pid: runner.pid, startTime: runner.startTime });
    assert.equal(other.reply.status, 200);
    assert.equal(other.result.ok === false && other.result.error.code, 'NOT_WATCHED', channel);
  }
  for (const channel of ['move:plan', 'move:start']) {
    const stale = await api(channel, { ...moveRequest(id), startTime: id.startTime - 1 });
    assert.equal(stale.result.ok === false && stale.result.error.code, 'IDENTITY_CHANGED', channel);
  }
  assert.equal(await value('process:unwatch', null), null);
  const unwatched = await api('move:plan', moveRequest(id));
  assert.equal(unwatched.result.ok === false && unwatched.result.error.code, 'NOT_WATCHING');
});

test('a watched process that is killed: placement:exited, and its last picture can still be exported', async () => {
  const doomed = await Target.start(['--anon', '4M', '--nohuge']);
  try {
    const stream = await events();
    const id = await value<ProcessIdentity>('process:watch', { pid: doomed.pid, intervalMs: 200 });
    const last = await stream.next('placement:update', (u) => u.placement.process.pid === doomed.pid);
    doomed.kill();
    const exited: ProcessExited = await stream.next('placement:exited', (e) => e.pid === doomed.pid);
    assert.equal(exited.startTime, id.startTime);
    assert.ok(exited.sequence !== null && exited.sequence >= last.sequence);
    assert.equal(stream.received.filter((e) => e.channel === 'placement:error').length, 0);
    const snapshot = await value<PlacementSnapshot>('placement:snapshot', null);
    assert.equal(snapshot.snapshot.process.pid, doomed.pid);
    assert.equal(snapshot.sequence, exited.sequence);
    assert.ok(snapshot.snapshot.vmas.length > 0, 'the last picture has regions');
    const move = await api('move:start', moveRequest(id));
    assert.equal(move.result.ok === false && move.result.error.code, 'EXITED');
  } finally {
    await doomed.stop();
  }
});

test('invalid requests are 400 INVALID_REQUEST; unknown channels 404; wrong methods 405; huge bodies 413', async () => {
  const invalid = await api('process:watch', { pid: 'one', intervalMs: 100 });
  assert.equal(invalid.reply.status, 400);
  assert.deepEqual(invalid.result, {
    ok: false,
    error: { code: 'INVALID_REQUEST', message: 'process:watch: request.pid must be an integer from 1 to 4194304, got the string "one"' },
  });
  const malformed = await send({ port, path: '/api/move:plan', method: 'POST', headers: auth, body: '{"pid": 1,' });
  assert.equal(malformed.status, 400);
  assert.match(malformed.body, /"code":"INVALID_REQUEST","message":"the body is not JSON: /);
  const unknown = await api('fs:read', null);
  assert.equal(unknown.reply.status, 404);
  assert.equal(unknown.result.ok === false && unknown.result.error.code, 'UNKNOWN_CHANNEL');
  const get = await send({ port, path: '/api/system:topology', headers: auth });
  assert.equal(get.status, 405);
  assert.equal(get.headers.allow, 'POST');
  const huge = await send({ port, path: '/api/move:plan', method: 'POST', headers: auth, body: ' '.repeat(MAX_BODY_BYTES + 1) });
  assert.equal(huge.status, 413);
});

test('errors from the service come back as values with HTTP 200', async () => {
  const { reply, result } = await api('process:watch', { pid: 4_000_000, intervalMs: 1000 });
  assert.equal(reply.status, 200);
  assert.equal(result.ok === false && result.error.code, 'ESRCH');
});

test('`numascope serve --port 0` prints the URL as its first line and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'serve', '--port', '0', '--pid', String(target.pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const match = /^numascope: serving http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{32})&pid=(\d+)$/.exec(first);
    assert.ok(match, first);
    assert.equal(match[3], String(target.pid));
    const childPort = Number(match[1]);
    const page = await send({ port: childPort, path: `/?token=${match[2]}` });
    assert.equal(page.status, 200);
    const topo = await send({ port: childPort, path: '/api/system:topology', method: 'POST', headers: { Authorization: `Bearer ${match[2]}` } });
    assert.equal(topo.status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /stopped/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('`numascope serve` refuses bad options with exit 2 and a pid that does not exist with exit 1', async () => {
  const run = (...args: string[]): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
  assert.equal((await run('--port', '70000')).code, 2);
  assert.equal((await run('--interval', '5')).code, 2);
  const fullEvery = await run('--full-every', '0');
  assert.equal(fullEvery.code, 2);
  assert.match(fullEvery.stderr, /--full-every "0" must be a number of polls from 1 to/);
  assert.equal((await run('extra')).code, 2);
  const gone = await run('--pid', '4000000');
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /^numascope serve: no process with pid 4000000\n$/);
});
