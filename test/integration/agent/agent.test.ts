/**
 * `numascope agent` as root, its client as another user: the window's RemoteService, run as
 * nobody with setpriv, watches a root-owned process through the agent and gets its
 * placement, which nobody cannot read by itself; a second unprivileged user cannot even
 * connect; the socket's mode and owner; the refusals of unsafe places; and the agent's exit
 * (socket and token removed) when its client goes, when none comes, and on SIGTERM.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RemoteService } from '../../../app/main/agent/remote-service.js';
import { connectToAgent } from '../../../app/main/electron/backend.js';
import { repoRoot, Target } from '../../helpers/target.js';

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root (the agent is the privileged side)';
const NOBODY = 65534;
const SECOND_USER = 65533;
const cli = join(repoRoot, 'bin', 'numascope.js');
const dist = join(repoRoot, 'dist');
const clientScript = join(repoRoot, 'test', 'fixtures', 'agent-client.mjs');

// Other users must be able to pass through the test's folder to reach the agent's own one.
const base = mkdtempSync(join(tmpdir(), 'numascope-agent-'));
chmodSync(base, 0o755);
after(() => rmSync(base, { recursive: true, force: true }));
let serial = 0;
function freshSocket(): string {
  return join(base, `place-${++serial}`, 'agent.sock');
}

interface RunningAgent {
  proc: ChildProcessWithoutNullStreams;
  firstLine: Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
}

function startAgent(args: string[], env: NodeJS.ProcessEnv = {}): RunningAgent {
  const proc = spawn(process.execPath, [cli, 'agent', ...args], { env: { ...process.env, ...env } });
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => proc.once('exit', (code) => resolve({ code, stderr })));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    void exit.then(({ code }) => reject(new Error(`agent exited with ${code} before listening: ${stderr}`)));
  });
  // A refusal test never waits for the line.
  firstLine.catch(() => {});
  return { proc, firstLine, exit };
}

interface ClientAnswer {
  ok: boolean;
  stage?: string;
  code?: string | null;
  uid?: number;
  identity?: { pid: number };
  totalPages?: number;
  totals?: { byNode: Record<string, number> };
}

/**
 * The client script as another user (no capabilities, no supplementary groups): by default it
 * finds the agent as the window does (app/main/electron/backend.ts), then uses RemoteService.
 */
function clientAs(uid: number, socketPath: string, pid: number, mode: 'window' | 'raw' = 'window'): ClientAnswer {
  const run = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, clientScript, dist, socketPath, String(pid), mode], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as ClientAnswer;
}

test('nobody watches a root-owned process through the agent; a second user cannot connect', { skip }, async () => {
  const target = await Target.start(['--anon', '8M', '--nohuge']);
  const socket = freshSocket();
  const agent = startAgent(['--socket', socket, '--owner', String(NOBODY), '--linger', '0.5']);
  try {
    assert.match(await agent.firstLine, new RegExp(`agent for uid ${NOBODY} \\(--owner\\) listening on ${socket}`));

    // Without the agent, nobody cannot read the process: the kernel's ptrace rule.
    const alone = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, cli, 'snapshot', String(target.pid), '-o', '/dev/null'], { encoding: 'utf8' });
    assert.notEqual(alone.status, 0, 'nobody could read a root process without the agent: the test proves nothing');

    const answer = clientAs(NOBODY, socket, target.pid);
    assert.equal(answer.ok, true, JSON.stringify(answer));
    assert.equal(answer.uid, NOBODY);
    assert.equal(answer.identity?.pid, target.pid);
    const onNodes = Object.values(answer.totals?.byNode ?? {}).reduce((sum, pages) => sum + pages, 0);
    assert.ok(onNodes >= 2048, `expected the 8 MiB region's pages on a node, got ${JSON.stringify(answer.totals)}`);

    const stranger = clientAs(SECOND_USER, socket, target.pid, 'raw');
    assert.deepEqual({ ok: stranger.ok, stage: stranger.stage, code: stranger.code }, { ok: false, stage: 'connect', code: 'EACCES' });

    // The client closed its stream when it finished: the agent lingers, then exits and cleans up.
    const { code, stderr } = await agent.exit;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /stopped \(client gone\)/);
    assert.equal(existsSync(socket), false, 'the socket was left behind');
    assert.equal(existsSync(join(socket, '..', 'agent.token')), false, 'the token was left behind');
  } finally {
    agent.proc.kill('SIGKILL');
    await target.stop();
  }
});

test('the socket is 0600 and the owner\'s, in a 0700 directory of theirs, with the token 0600 beside it', { skip }, async () => {
  const socket = freshSocket();
  const agent = startAgent(['--socket', socket, '--linger', '0.2', '--first-client', '30'], { PKEXEC_UID: String(NOBODY), SUDO_UID: '1' });
  try {
    assert.match(await agent.firstLine, /\(PKEXEC_UID\)/);
    const sock = lstatSync(socket);
    assert.ok(sock.isSocket());
    assert.equal(sock.mode & 0o777, 0o600);
    assert.equal(sock.uid, NOBODY);
    const dir = lstatSync(join(socket, '..'));
    assert.equal(dir.mode & 0o777, 0o700);
    assert.equal(dir.uid, NOBODY);
    const token = lstatSync(join(socket, '..', 'agent.token'));
    assert.equal(token.mode & 0o777, 0o600);
    assert.equal(token.uid, NOBODY);
    // SIGTERM: a clean stop that removes what it made.
    agent.proc.kill('SIGTERM');
    const { code, stderr } = await agent.exit;
    assert.equal(code, 0, stderr);
    assert.equal(existsSync(socket), false);
  } finally {
    agent.proc.kill('SIGKILL');
  }
});

test('an agent nobody connects to exits after --first-client seconds and removes its socket', { skip }, async () => {
  const socket = freshSocket();
  const agent = startAgent(['--socket', socket, '--owner', String(NOBODY), '--first-client', '0.3']);
  await agent.firstLine;
  const { code, stderr } = await agent.exit;
  assert.equal(code, 0, stderr);
  assert.equal(existsSync(socket), false);
});

async function refusal(socket: string, pattern: RegExp): Promise<void> {
  const agent = startAgent(['--socket', socket, '--owner', String(NOBODY), '--first-client', '0.3']);
  const { code, stderr } = await agent.exit;
  assert.equal(code, 1, stderr);
  assert.match(stderr, pattern);
}

test('refuses a directory that is a symbolic link, writable or open to others, or someone else\'s', { skip }, async () => {
  const real = join(base, 'real');
  mkdirSync(real, { mode: 0o700 });
  spawnSync('chown', [String(NOBODY), real]);
  const link = join(base, 'link');
  symlinkSync(real, link);
  await refusal(join(link, 'agent.sock'), /refusing to start: .*link is a symbolic link/);

  const open = join(base, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  spawnSync('chown', [String(NOBODY), open]);
  await refusal(join(open, 'agent.sock'), /writable by other users \(mode 0777\)/);

  const readable = join(base, 'readable');
  mkdirSync(readable);
  chmodSync(readable, 0o755);
  spawnSync('chown', [String(NOBODY), readable]);
  await refusal(join(readable, 'agent.sock'), /can be entered by other users \(mode 0755\)/);

  const roots = join(base, 'roots');
  mkdirSync(roots, { mode: 0o700 });
  await refusal(join(roots, 'agent.sock'), /belongs to uid 0, not to uid 65534/);
});

test('refuses a socket path that is a symbolic link or a file, and a live agent\'s socket', { skip }, async () => {
  const socket = freshSocket();
  const first = startAgent(['--socket', socket, '--owner', String(NOBODY), '--first-client', '30']);
  try {
    await first.firstLine;
    await refusal(socket, /an agent is already listening on/);
  } finally {
    first.proc.kill('SIGTERM');
    await first.exit;
  }
  const dir = join(socket, '..');
  writeFileSync(join(base, 'elsewhere'), 'x');
  symlinkSync(join(base, 'elsewhere'), socket);
  await refusal(socket, /agent\.sock is a symbolic link/);
  rmSync(socket);
  writeFileSync(socket, 'not a socket');
  await refusal(socket, /exists and is not a socket/);
  assert.ok(existsSync(dir));
});

test('a stale socket of an agent that was killed is replaced', { skip }, async () => {
  const socket = freshSocket();
  const killed = startAgent(['--socket', socket, '--owner', String(NOBODY), '--first-client', '30']);
  await killed.firstLine;
  killed.proc.kill('SIGKILL');
  await killed.exit;
  assert.ok(existsSync(socket), 'a killed agent cannot remove its socket');
  // The window finds nothing to use there, and does not take it for an agent that stopped.
  const gone: string[] = [];
  const found = await connectToAgent(socket, NOBODY, (reason) => gone.push(reason));
  assert.ok(!(found instanceof RemoteService));
  assert.match(found.missing, /ECONNREFUSED/);
  assert.deepEqual(gone, []);
  const next = startAgent(['--socket', socket, '--owner', String(NOBODY), '--first-client', '0.3']);
  assert.match(await next.firstLine, /listening on/);
  assert.equal((await next.exit).code, 0);
});
