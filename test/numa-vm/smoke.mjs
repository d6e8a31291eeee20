// Smoke check of the NUMA guest rig: boots each topology once and verifies the rig
// itself (topology, real page migration with numactl's migratepages, koffi calling
// libnuma, privilege drop, output share, port forward, exit status propagation).
// It tests the rig, not numascope: a failure here means the tests built on the rig
// cannot be trusted.
//
//   node test/numa-vm/smoke.mjs [--verbose] [--kernel 6.1|6.12]   (default: both kernels)
//
// Exit status 0 when every check passed; the last line is "N passed, N failed".

import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KERNELS, REPO_ROOT, ensureRig, runInGuest } from './guest.mjs';

const verbose = process.argv.includes('--verbose');
const kernelArg = process.argv.indexOf('--kernel');
const kernels = kernelArg === -1 ? KERNELS : [process.argv[kernelArg + 1]];
const MIB64_PAGES = (64 << 20) / 4096;
const GUEST_PORT = 8080;

let passed = 0;
let failed = 0;
let skipped = 0;

function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

function skip(name, why) {
  skipped++;
  console.log(`skip - ${name}: ${why}`);
}

// "0-2" or "0,2-3" -> number of nodes
function countList(list) {
  let n = 0;
  for (const part of list.split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a + 1;
  }
  return n;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function fetchWithRetry(url, tries = 10) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return await res.text();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw last;
}

async function smoke(kernel, topology) {
  const expectNodes = topology === 'cxl' ? 3 : 2;
  const expectExit = topology === 'cxl' ? 42 : 7;
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), `numa-vm-smoke-${kernel}-${topology}-`));
  const forward = topology === 'two-node' ? { host: await freePort(), guest: GUEST_PORT } : undefined;
  const tag = (s) => `${topology}, Linux ${kernel}: ${s}`;
  const failedBefore = failed;

  let seen = '';
  let fetchDone = null;
  let fetched = null;
  const onOutput = (chunk) => {
    if (verbose) process.stdout.write(chunk);
    seen += chunk;
    if (forward && !fetchDone && seen.includes('SERVER-READY')) {
      fetchDone = fetchWithRetry(`http://127.0.0.1:${forward.host}/`)
        .then((body) => {
          fetched = body;
        })
        .catch((err) => {
          fetched = `fetch failed: ${err.message}`;
        })
        // Tell the guest to stop waiting, whether the fetch worked or not.
        .finally(() => fs.writeFile(path.join(outDir, 'host-fetched'), ''));
    }
  };

  let res;
  try {
    res = await runInGuest({
      topology,
      kernel,
      script: `${forward ? `FWD_PORT=${forward.guest} ` : ''}bash test/numa-vm/probes/smoke-guest.sh ${topology}\n`,
      outDir,
      forwardPort: forward,
      timeoutMs: 300_000,
      onOutput,
    });
  } catch (err) {
    check(tag('guest ran to completion'), false, err.message);
    await fs.rm(outDir, { recursive: true, force: true });
    return;
  }
  await fetchDone;
  check(tag('guest ran to completion'), true);

  const got = new Map();
  for (const line of res.output.split('\n')) {
    const m = /^CHECK (\S+) ?(.*)$/.exec(line);
    if (m) got.set(m[1], m[2]);
  }
  const nums = (k) => (got.get(k) ?? '').split(' ').map(Number);
  const show = (k) => `${k}=${JSON.stringify(got.get(k))}`;

  check(tag(`exit status ${expectExit} of the script reaches the host`), res.exitCode === expectExit, `got ${res.exitCode}`);
  check(tag('script ran to its end'), got.get('finished') === 'yes', 'no "CHECK finished" line');
  check(tag(`${expectNodes} nodes online`), countList(got.get('nodes-online') ?? '') === expectNodes, show('nodes-online'));
  check(tag(`${expectNodes} node directories in sysfs`), Number(got.get('node-dirs')) === expectNodes, show('node-dirs'));
  check(tag('node 0 and node 1 have one CPU each'), got.get('cpulist-0') === '[0]' && got.get('cpulist-1') === '[1]',
    `${show('cpulist-0')} ${show('cpulist-1')}`);
  if (topology === 'cxl') check(tag('node 2 has no CPU'), got.get('cpulist-2') === '[]', show('cpulist-2'));
  check(tag('automatic NUMA balancing is off'), got.get('numa-balancing') === '0', show('numa-balancing'));
  check(tag('setpriv drops to nobody'), got.get('nobody-uid') === '65534', show('nobody-uid'));
  const mb1 = got.get('membind1') ?? '';
  check(tag('numactl --membind=1 places memory on node 1'), /bind:1/.test(mb1) && /N1=/.test(mb1) && !/N0=/.test(mb1), show('membind1'));

  const [b0, b1] = nums('anon-before');
  const [a0, a1] = nums('anon-after-0-1');
  check(tag('64 MiB toucher bound to node 0 starts on node 0'), got.get('toucher-ready') === 'yes' && b0 >= MIB64_PAGES && b1 === 0,
    show('anon-before'));
  check(tag('migratepages PID 0 1 moves it to node 1'), got.get('migratepages-0-1-rc') === '0' && a1 >= MIB64_PAGES && a0 < 256,
    show('anon-after-0-1'));
  if (topology === 'cxl') {
    const [c0, c1, c2] = nums('anon-after-1-2');
    check(tag('migratepages PID 1 2 moves it to the CPU-less node'), got.get('migratepages-1-2-rc') === '0' && c2 >= MIB64_PAGES && c0 + c1 < 256,
      show('anon-after-1-2'));
  }

  if (got.get('koffi-rc') === 'skip') {
    skip(tag('koffi numa_move_pages'), 'node_modules/koffi not installed');
  } else {
    let r = {};
    try {
      r = JSON.parse(got.get('koffi-result') ?? '');
    } catch {
      // reported below
    }
    check(tag(`koffi calls numa_move_pages and pages move 0 -> ${topology === 'cxl' ? 2 : 1}`), got.get('koffi-rc') === '0' && r.ok === true,
      show('koffi-result'));
  }

  const fromGuest = await fs.readFile(path.join(outDir, 'from-guest.txt'), 'utf8').catch(() => null);
  check(tag('a file written in the guest reaches the host output folder'), fromGuest === 'written in the guest\n', JSON.stringify(fromGuest));

  if (forward) {
    check(tag(`host fetches from a guest server through 127.0.0.1:${forward.host}`), fetched === 'hello from the guest\n',
      `fetched=${JSON.stringify(fetched)} ${show('host-fetched')}`);
  }

  const bootS = Number(got.get('uptime-at-start'));
  console.log(`# ${topology}, ${res.kernelVersion}: boot to poweroff ${(res.durationMs / 1000).toFixed(1)} s (guest uptime when the script started: ${bootS} s)`);
  if (failed > failedBefore && !verbose) {
    console.log(`# ${topology}, ${res.kernelVersion} guest output:\n${res.output.replace(/^/gm, '#   ')}`);
  }
  await fs.rm(outDir, { recursive: true, force: true });
}

async function main() {
  const t0 = Date.now();
  for (const kernel of kernels) {
    const rig = await ensureRig({ kernel });
    console.log(`# rig: kernel ${rig.kernelVersion}, repo ${REPO_ROOT}`);
    for (const topology of ['two-node', 'cxl']) await smoke(kernel, topology);
  }
  console.log(`# total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main()
  .catch((err) => {
    check('smoke run', false, err.stack ?? String(err));
  })
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  });
