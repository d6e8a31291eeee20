/**
 * The guest half of two-node-move.test.ts, run as root inside the two-node QEMU guest:
 *
 *   node dist/test/numa-e2e/guest-side.js --allow-host 127.0.0.1:HOSTPORT
 *
 * Starts the target with its memory bound to node 0 and `numascope serve` on 0.0.0.0 for the
 * host's browser, then follows the host's lead through $NUMA_VM_OUT (see protocol.ts): it
 * reports when serve is up, and when the host says the UI has moved pages (a range, then all
 * of node 0) it reads numa_maps,
 * which is the kernel's own account and not numascope's. It is not a test file: the test
 * runner never picks it up on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Target, repoRoot } from '../helpers/target.js';
import { FILES, GUEST_PORT, present, writeAtomically, type Ready } from './protocol.js';

// Bounds every wait, so a host that died without saying "finish" cannot keep the guest up
// forever (runInGuest's own timeout is the outer bound).
const DEADLINE = Date.now() + 20 * 60_000;

const { values } = parseArgs({ options: { 'allow-host': { type: 'string' } }, strict: true });
const out = process.env['NUMA_VM_OUT'];
const allowHost = values['allow-host'];
if (!out || !allowHost) throw new Error('guest-side: needs $NUMA_VM_OUT (runInGuest outDir) and --allow-host HOST:PORT');
const outDir: string = out;

const log = (text: string): void => void process.stdout.write(`[guest] ${text}\n`);

async function until(what: string, done: () => boolean): Promise<void> {
  while (!done()) {
    if (Date.now() > DEADLINE) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let target: Target | null = null;
let serve: ChildProcess | null = null;

async function main(): Promise<void> {
  const started = Date.now();
  // Bound to node 0, or first touch would put pages on whichever node's CPU ran the target.
  target = await Target.start(['--anon', '64M', '--nohuge'], { prefix: ['numactl', '--membind=0'] });
  const region = target.region(0);
  log(`target ${target.pid} up after ${Date.now() - started} ms`);

  // 0.0.0.0 because QEMU's forward arrives on eth0, not on loopback; --allow-host because the
  // browser on the host names the forward's host port, which this server cannot know.
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'numascope.js'), 'serve', '--host', '0.0.0.0', '--port', String(GUEST_PORT), '--allow-host', allowHost as string, '--pid', String(target.pid)],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  serve = child;
  createInterface({ input: child.stderr }).on('line', (line) => log(`serve: ${line}`));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`numascope serve exited with ${code} before printing its URL`)));
  });
  const url = /^numascope: serving (\S+)$/.exec(first)?.[1];
  if (url === undefined) throw new Error(`unexpected first line from numascope serve: ${first}`);
  log(`serve up after ${Date.now() - started} ms: ${url.replace(/token=[^&]+/, 'token=…')}`);
  child.once('exit', (code) => log(`serve exited with ${code}`));

  writeAtomically(outDir, FILES.before, readFileSync(`/proc/${target.pid}/numa_maps`, 'utf8'));
  const ready: Ready = {
    pid: target.pid,
    pageSize: target.info.pageSize,
    regionStart: `0x${region.start.toString(16)}`,
    regionEnd: `0x${region.end.toString(16)}`,
    url,
  };
  writeAtomically(outDir, FILES.ready, JSON.stringify(ready));

  await until('the host to report the move', () => present(outDir, FILES.moved));
  writeAtomically(outDir, FILES.after, readFileSync(`/proc/${target.pid}/numa_maps`, 'utf8'));
  log('numa_maps after the move written');
  await until('the whole-node move or the end', () => present(outDir, FILES.nodeMoved) || present(outDir, FILES.finish));
  if (present(outDir, FILES.nodeMoved)) {
    writeAtomically(outDir, FILES.afterNode, readFileSync(`/proc/${target.pid}/numa_maps`, 'utf8'));
    log('numa_maps after the whole-node move written');
  }
  await until('the host to finish', () => present(outDir, FILES.finish));
}

async function cleanUp(): Promise<void> {
  const child = serve;
  if (child !== null && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await target?.stop();
}

try {
  await main();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  log(`failed: ${message}`);
  writeFileSync(join(outDir, FILES.failed), `${message}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
