// The guest half of the move pictures (scripts/screenshots-guest.mjs starts it in the two-node
// QEMU guest, as root, in the repository root):
//
//   node scripts/screenshots-in-guest.mjs --allow-host 127.0.0.1:HOSTPORT [--requests N] [--value-bytes N]
//
// Starts a redis-server whose memory is bound to node 0, fills it with redis-benchmark (SET,
// HSET and LPUSH of random keys), starts `numascope serve` on it for the browser on the host,
// and then follows the host's lead through $NUMA_VM_OUT (guest-exchange.mjs): after each move
// the page reports, it hands over redis's numa_maps, the kernel's own account of its pages,
// and while the page measures heat it keeps redis-benchmark overwriting keys.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { root, scriptArgs } from './cli.mjs';
import { FILES, GUEST_PORT, present, writeAtomically } from './guest-exchange.mjs';

const USAGE = `usage: node scripts/screenshots-in-guest.mjs --allow-host HOST:PORT [--requests N] [--value-bytes N]

Runs inside the two-node guest of scripts/screenshots.mjs; needs $NUMA_VM_OUT.`;
const { values: options } = scriptArgs(USAGE, {
  options: {
    'allow-host': { type: 'string' },
    requests: { type: 'string', default: '150000' },
    'value-bytes': { type: 'string', default: '256' },
  },
});
const outDir = process.env.NUMA_VM_OUT;
if (!outDir || !options['allow-host']) {
  console.error(`screenshots-in-guest: needs $NUMA_VM_OUT and --allow-host\n\n${USAGE}`);
  process.exit(2);
}
const REDIS_PORT = 6379;
// Bounds every wait, so a host that died without saying "finish" cannot keep the guest up.
const DEADLINE = Date.now() + 25 * 60_000;
const log = (text) => process.stdout.write(`[guest] ${text}\n`);
const children = [];

async function until(what, done) {
  while (!done()) {
    if (Date.now() > DEADLINE) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function redisCli(...args) {
  const result = spawnSync('redis-cli', ['-p', String(REDIS_PORT), ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

function start(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  createInterface({ input: child.stderr }).on('line', (line) => log(`${command}: ${line}`));
  return child;
}

async function startRedis() {
  // Bound to node 0, or first touch would put pages on whichever node's CPU ran redis. The
  // arguments are what its process table row shows: no persistence, this port only.
  const redis = start('numactl', ['--membind=0', 'redis-server', '--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--loglevel', 'warning']);
  createInterface({ input: redis.stdout }).on('line', () => undefined);
  for (;;) {
    if (redis.exitCode !== null) throw new Error(`redis-server exited with ${redis.exitCode}`);
    if (Date.now() > DEADLINE) throw new Error('redis-server never answered');
    if (spawnSync('redis-cli', ['-p', String(REDIS_PORT), 'PING'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') return redis;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function benchmarkArgs(count, keyspace, tests) {
  return ['-p', String(REDIS_PORT), '-q', '-P', '16', '-c', '4', '-n', String(count), '-r', String(keyspace), '-d', options['value-bytes'], '-t', tests];
}

function fill() {
  const started = Date.now();
  const result = spawnSync('redis-benchmark', benchmarkArgs(options.requests, options.requests, 'set,hset,lpush'), { encoding: 'utf8', timeout: 15 * 60_000 });
  if (result.status !== 0) throw new Error(`redis-benchmark: ${result.stderr || result.stdout}`);
  for (const line of result.stdout.split(/[\r\n]+/)) if (/requests per second/.test(line)) log(`redis-benchmark: ${line.trim()}`);
  return (Date.now() - started) / 1000;
}

async function startServe(pid) {
  // 0.0.0.0 because QEMU's forward arrives on eth0; --allow-host because the browser names the
  // host's end of the forward. A relative path keeps the process table free of this checkout's.
  const serve = start(process.execPath, ['bin/numascope.js', 'serve', '--host', '0.0.0.0', '--port', String(GUEST_PORT), '--allow-host', options['allow-host'], '--pid', String(pid)]);
  const lines = createInterface({ input: serve.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    serve.once('exit', (code) => reject(new Error(`numascope serve exited with ${code} before printing its URL`)));
  });
  const url = /^numascope: serving (\S+)$/.exec(first)?.[1];
  if (url === undefined) throw new Error(`unexpected first line from numascope serve: ${first}`);
  return url;
}

function numaMaps(pid) {
  return readFileSync(`/proc/${pid}/numa_maps`, 'utf8');
}

async function main() {
  const redis = await startRedis();
  // numactl execs redis-server, so the child's pid is redis's own.
  const pid = redis.pid;
  log(`redis-server ${pid} up`);
  const fillSeconds = fill();
  const keys = Number(redisCli('DBSIZE'));
  const usedMemory = /used_memory_human:(\S+)/.exec(redisCli('INFO', 'memory'))?.[1] ?? '?';
  log(`filled in ${fillSeconds.toFixed(1)} s: ${keys} keys, ${usedMemory}`);
  const url = await startServe(pid);
  writeAtomically(outDir, FILES.maps, readFileSync(`/proc/${pid}/maps`, 'utf8'));
  writeAtomically(outDir, FILES.before, numaMaps(pid));
  writeAtomically(outDir, FILES.ready, JSON.stringify({ pid, url, keys, usedMemory, fillSeconds }));

  await until('the range move or the end', () => present(outDir, FILES.moved) || present(outDir, FILES.finish));
  if (present(outDir, FILES.moved)) writeAtomically(outDir, FILES.after, numaMaps(pid));
  await until('the heat measurement or the end', () => present(outDir, FILES.load) || present(outDir, FILES.nodeMoved) || present(outDir, FILES.finish));
  if (present(outDir, FILES.load)) {
    // Overwrites a tenth of the keys, over and over, until the host has measured.
    const load = start('redis-benchmark', benchmarkArgs(1_000_000_000, Math.ceil(Number(options.requests) / 10), 'set'));
    load.stdout.resume();
    writeAtomically(outDir, FILES.loading, '');
    await until('the end of the heat measurement', () => present(outDir, FILES.unload) || present(outDir, FILES.finish));
    await stop(load);
    writeAtomically(outDir, FILES.unloaded, '');
  }
  await until('the whole-node move or the end', () => present(outDir, FILES.nodeMoved) || present(outDir, FILES.finish));
  if (present(outDir, FILES.nodeMoved)) writeAtomically(outDir, FILES.afterNode, numaMaps(pid));
  await until('the host to finish', () => present(outDir, FILES.finish));
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function stopAll() {
  for (const child of children.reverse()) await stop(child);
}

try {
  await main();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  log(`failed: ${message}`);
  writeFileSync(join(outDir, FILES.failed), `${message}\n`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
