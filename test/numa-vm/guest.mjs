// Runs a shell script as root inside a QEMU guest whose emulated NUMA topology has
// two or three nodes, so that page migrations between nodes can really be observed on a
// host that has a single node. The guest boots one of two Debian kernels, 6.1 or 6.12. The guest shares the host's root filesystem read-only
// (with a throwaway tmpfs overlay), so it runs the host's node, node_modules and the
// repository at the same absolute paths.
//
// Library:  import { runInGuest, ensureRig } from './guest.mjs'
// CLI:      node test/numa-vm/guest.mjs --topology cxl --kernel 6.12 -- 'numactl -H'

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { ConsoleScanner } from './console-scanner.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'numa-vm');
const SETUP_SH = path.join(HERE, 'setup.sh');

export const TOPOLOGIES = Object.freeze({
  // Node ids with the CPU each one owns; null marks a memory-only node.
  'two-node': [0, 1],
  // Node 2 has memory but no CPU, the way a CXL memory expander shows up.
  cxl: [0, 1, null],
});

// The kernel series setup.sh installs and builds for: Debian bookworm's own, and its 6.12
// backport (move_pages says -ENOENT for untouched memory, DAMON, memory tiers by HMAT).
export const KERNELS = Object.freeze(['6.1', '6.12']);
export const DEFAULT_KERNEL = '6.1';

const DEFAULT_MEMORY_MIB = 3072;
const DEFAULT_TIMEOUT_MS = 300_000;

const rigPromises = new Map();

function checkKernel(kernel) {
  if (!KERNELS.includes(kernel)) throw new TypeError(`runInGuest: kernel must be one of ${KERNELS.join(', ')}`);
}

/**
 * Makes sure QEMU, the kernel of the series `kernel` and its initramfs are in place,
 * running setup.sh when the cache is missing or stale. Resolves the paths the guest
 * boots from. The result is shared by every caller in the process.
 */
export function ensureRig({ kernel = DEFAULT_KERNEL, log = (s) => process.stderr.write(s) } = {}) {
  checkKernel(kernel);
  if (!rigPromises.has(kernel)) {
    const promise = (async () => {
      const check = await runProcess('bash', [SETUP_SH, '--kernel', kernel, '--check']);
      if (check.code !== 0) {
        const setup = await runProcess('bash', [SETUP_SH, '--kernel', kernel], log);
        if (setup.code !== 0) {
          throw new Error(`numa-vm: ${SETUP_SH} --kernel ${kernel} failed with exit code ${setup.code}`);
        }
      }
      const dir = path.join(CACHE_DIR, kernel);
      const rig = JSON.parse(await fs.readFile(path.join(dir, 'rig.json'), 'utf8'));
      return {
        kernel,
        kernelVersion: rig.kernelVersion,
        vmlinux: path.join(dir, rig.vmlinux),
        initramfs: path.join(dir, rig.initramfs),
      };
    })();
    rigPromises.set(kernel, promise);
    // A failed setup must not stick: a later call may succeed after a fix.
    promise.catch(() => {
      rigPromises.delete(kernel);
    });
  }
  return rigPromises.get(kernel);
}

function runProcess(cmd, args, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (d) => {
      const s = d.toString();
      out += s;
      if (log) log(s);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

// QEMU option values use ',' as separator; a literal comma is written twice.
const qemuEscape = (s) => String(s).replaceAll(',', ',,');

function buildQemuArgs({ rig, topology, memoryMiB, ctlDir, outDir, forwardPort, kernelArgs }) {
  const nodes = TOPOLOGIES[topology];
  const perNode = Math.floor(memoryMiB / nodes.length);
  const cpus = nodes.filter((c) => c !== null).length;
  const args = [
    '-machine', 'q35',
    // KVM is present on these machines but unusable (internal errors or crawling guests).
    '-accel', 'tcg,thread=multi',
    '-cpu', 'max',
    '-m', `${perNode * nodes.length}M`,
    '-smp', String(cpus),
  ];
  nodes.forEach((cpu, id) => {
    args.push('-object', `memory-backend-ram,id=m${id},size=${perNode}M`);
    args.push('-numa', `node,nodeid=${id},memdev=m${id}` + (cpu === null ? '' : `,cpus=${cpu}`));
  });
  const append = [
    'console=ttyS0', 'quiet', 'loglevel=3', 'panic=-1',
    // Otherwise the kernel migrates pages on its own and races the tests.
    'numa_balancing=disable',
    'numavm.ctl=numavmctl',
  ];
  if (outDir) append.push('numavm.out=numavmout');
  append.push(...kernelArgs);
  args.push(
    '-kernel', rig.vmlinux,
    '-initrd', rig.initramfs,
    '-append', append.join(' '),
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap,id=hostroot',
    '-virtfs', `local,path=${qemuEscape(ctlDir)},mount_tag=numavmctl,security_model=none,readonly=on,id=numavmctl`,
  );
  if (outDir) {
    args.push('-virtfs', `local,path=${qemuEscape(outDir)},mount_tag=numavmout,security_model=none,id=numavmout`);
  }
  if (forwardPort) {
    // restrict=on cuts the guest off from every network; only the forward gets through.
    args.push(
      '-netdev', `user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:${forwardPort.host}-:${forwardPort.guest}`,
      '-device', 'virtio-net-pci,netdev=n0',
    );
  }
  args.push('-display', 'none', '-nodefaults', '-serial', 'stdio', '-no-reboot');
  return args;
}

// Every QEMU still running when this process exits is killed with its process group,
// so an interrupted test run leaves nothing behind.
const liveGroups = new Set();
let exitHookInstalled = false;
function trackGroup(pid) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const g of liveGroups) killGroup(g);
    });
  }
  liveGroups.add(pid);
}
function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function validate(opts) {
  if (!opts || typeof opts !== 'object') throw new TypeError('runInGuest: options object required');
  if (!Object.hasOwn(TOPOLOGIES, opts.topology)) {
    throw new TypeError(`runInGuest: topology must be one of ${Object.keys(TOPOLOGIES).join(', ')}`);
  }
  if (typeof opts.script !== 'string') throw new TypeError('runInGuest: script must be a string');
  const kernel = opts.kernel ?? DEFAULT_KERNEL;
  checkKernel(kernel);
  const memoryMiB = opts.memoryMiB ?? DEFAULT_MEMORY_MIB;
  const nodes = TOPOLOGIES[opts.topology].length;
  if (!Number.isInteger(memoryMiB) || memoryMiB / nodes < 256) {
    throw new RangeError(`runInGuest: memoryMiB must be an integer of at least ${256 * nodes} for ${opts.topology}`);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError('runInGuest: timeoutMs must be positive');
  const fp = opts.forwardPort;
  if (fp) {
    for (const k of ['host', 'guest']) {
      if (!Number.isInteger(fp[k]) || fp[k] < 1 || fp[k] > 65535) {
        throw new RangeError(`runInGuest: forwardPort.${k} must be a port number`);
      }
    }
  }
  const kernelArgs = opts.kernelArgs ?? [];
  if (!Array.isArray(kernelArgs) || kernelArgs.some((w) => typeof w !== 'string' || !/^[^\s'"]+$/.test(w))) {
    throw new TypeError('runInGuest: kernelArgs must be an array of single words');
  }
  return { kernel, memoryMiB, timeoutMs, kernelArgs };
}

/**
 * Boots a guest with the kernel series `kernel` (default 6.1), runs `script` with bash
 * as root in it (cwd = the repository root), and powers it off. Resolves { exitCode,
 * output, durationMs, kernelVersion } where output is what the script (and the guest
 * kernel, for errors) printed on the console, without CRs.
 * Rejects when the guest times out, is aborted, or dies before reporting an exit code.
 */
export async function runInGuest(opts) {
  const { kernel, memoryMiB, timeoutMs, kernelArgs } = validate(opts);
  const { topology, script, onOutput, signal, forwardPort } = opts;
  signal?.throwIfAborted();
  const rig = await ensureRig({ kernel });
  signal?.throwIfAborted();

  const outDir = opts.outDir ? path.resolve(opts.outDir) : null;
  if (outDir) await fs.mkdir(outDir, { recursive: true });

  // The script travels through a read-only 9p share rather than the kernel command
  // line, which is limited to 2048 bytes and mangles words containing dots.
  const ctlDir = await fs.mkdtemp(path.join(os.tmpdir(), 'numa-vm-'));
  const nonce = randomBytes(8).toString('hex');
  const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
  await fs.writeFile(path.join(ctlDir, 'script.sh'), script);
  await fs.writeFile(
    path.join(ctlDir, 'config'),
    [
      `NONCE=${b64(nonce)}`,
      `CWD=${b64(REPO_ROOT)}`,
      `OUT=${b64(outDir ?? '')}`,
      `NET=${b64(forwardPort ? '1' : '0')}`,
      '',
    ].join('\n'),
  );

  const qemuArgs = buildQemuArgs({ rig, topology, memoryMiB, ctlDir, outDir, forwardPort, kernelArgs });
  // `timeout` is the backstop for when this process cannot kill QEMU itself; QEMU
  // pauses instead of exiting after an internal error, so it must never run unbounded.
  const backstopSec = Math.ceil(timeoutMs / 1000) + 15;
  const started = Date.now();

  try {
    return await new Promise((resolve, reject) => {
      const child = spawn('timeout', ['-k', '5', String(backstopSec), 'qemu-system-x86_64', ...qemuArgs], {
        // Own process group, so QEMU and the timeout wrapper die together.
        detached: true,
        // stdin stays an open pipe: the serial chardev treats EOF on stdin badly.
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      trackGroup(child.pid);

      const scanner = new ConsoleScanner(nonce, onOutput);
      const decoder = new StringDecoder('utf8');
      let stderr = '';
      let failure = null;

      let forceTimer = null;
      const stop = (err) => {
        if (failure) return;
        failure = err;
        // TERM to the timeout wrapper: it relays the signal to QEMU and reaps it, so no
        // zombie is left for init. KILL the whole group if that does not end it soon.
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        forceTimer = setTimeout(() => killGroup(child.pid), 5000);
      };
      const timer = setTimeout(
        () => stop(new Error(`numa-vm: guest (${topology}, Linux ${kernel}) did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onAbort = () => stop(new Error(`numa-vm: run aborted (${signal.reason ?? 'AbortSignal'})`));
      signal?.addEventListener('abort', onAbort, { once: true });

      child.stdout.on('data', (d) => scanner.feed(decoder.write(d)));
      child.stderr.on('data', (d) => {
        stderr += d.toString();
      });
      child.on('error', (err) => stop(new Error(`numa-vm: cannot start qemu: ${err.message}`)));
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        clearTimeout(forceTimer);
        signal?.removeEventListener('abort', onAbort);
        liveGroups.delete(child.pid);
        scanner.feed(decoder.end());
        scanner.end();
        const durationMs = Date.now() - started;
        const output = scanner.output;
        if (failure) {
          failure.output = output;
          failure.message += describeTail(output, stderr);
          reject(failure);
        } else if (scanner.exitCode === null) {
          const how = sig ? `signal ${sig}` : code === 124 || code === 137 ? 'the timeout wrapper' : `exit code ${code}`;
          const err = new Error(`numa-vm: guest stopped without reporting an exit code (qemu ended by ${how})` + describeTail(output, stderr));
          err.output = output;
          reject(err);
        } else {
          resolve({ exitCode: scanner.exitCode, output, durationMs, kernelVersion: rig.kernelVersion });
        }
      });
    });
  } finally {
    await fs.rm(ctlDir, { recursive: true, force: true });
  }
}

function describeTail(output, stderr) {
  const tail = output.split('\n').slice(-15).join('\n').trim();
  let s = '';
  if (tail) s += `\n--- last guest output ---\n${tail}`;
  if (stderr.trim()) s += `\n--- qemu stderr ---\n${stderr.trim()}`;
  return s;
}

// ---------------------------------------------------------------- command line

const USAGE = `usage: node test/numa-vm/guest.mjs [options] -- SCRIPT...

Boots a QEMU guest with an emulated NUMA topology, runs SCRIPT (joined with spaces,
run by bash as root, cwd = ${REPO_ROOT}) and exits with the script's exit code.

options:
  --topology two-node|cxl   two-node: nodes 0 and 1 with one CPU each (default)
                            cxl: the same plus node 2 with memory and no CPU
  --kernel ${KERNELS.join('|')}         the Debian kernel series to boot (default ${DEFAULT_KERNEL})
  --memory MIB              guest memory, split evenly across nodes (default ${DEFAULT_MEMORY_MIB})
  --timeout SECONDS         kill the guest after this long (default ${DEFAULT_TIMEOUT_MS / 1000})
  --out DIR                 host directory mounted writable at the same path in the guest
  --forward HOST:GUEST      forward 127.0.0.1:HOST on the host to port GUEST in the guest
  --setup                   only install and build the rig (both kernels unless
                            --kernel names one), then exit
  -h, --help                show this help

Exit status: the script's, or 125 when the guest itself failed.`;

async function main(argv) {
  const opts = { topology: 'two-node' };
  let setupOnly = false;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else if (a === '--topology') opts.topology = value();
    else if (a === '--kernel') opts.kernel = value();
    else if (a === '--memory') opts.memoryMiB = Number(value());
    else if (a === '--timeout') opts.timeoutMs = Number(value()) * 1000;
    else if (a === '--out') opts.outDir = value();
    else if (a === '--forward') {
      const m = /^(\d+):(\d+)$/.exec(value());
      if (!m) throw new UsageError('--forward wants HOST:GUEST');
      opts.forwardPort = { host: Number(m[1]), guest: Number(m[2]) };
    } else if (a === '--setup') setupOnly = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else rest.push(a);
  }
  if (setupOnly) {
    for (const kernel of opts.kernel ? [opts.kernel] : KERNELS) {
      const rig = await ensureRig({ kernel });
      process.stdout.write(`numa-vm rig ready: kernel ${rig.kernelVersion}\n  ${rig.vmlinux}\n  ${rig.initramfs}\n`);
    }
    return 0;
  }
  if (rest.length === 0) throw new UsageError('no script given');
  opts.script = rest.join(' ') + '\n';

  const ac = new AbortController();
  for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => ac.abort(s));
  opts.signal = ac.signal;
  opts.onOutput = (chunk) => process.stdout.write(chunk);
  const res = await runInGuest(opts);
  process.stderr.write(`[numa-vm] ${opts.topology}, kernel ${res.kernelVersion}: exit ${res.exitCode} after ${(res.durationMs / 1000).toFixed(1)} s\n`);
  return res.exitCode;
}

class UsageError extends Error {}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      if (err instanceof UsageError || /^runInGuest: /.test(err.message)) {
        process.stderr.write(`guest.mjs: ${err.message}\n\n${USAGE}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 125;
      }
    },
  );
}
