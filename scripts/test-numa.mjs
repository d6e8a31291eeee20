#!/usr/bin/env node
// Runs the tests that need several NUMA nodes (dist/test/numa) inside QEMU guests with an
// emulated topology, one guest per kernel and topology, and ends with the "N passed, N failed"
// line CI reads, summed over the guests. It compiles nothing: `npm run test:numa` builds first.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const ALL = ['two-node', 'cxl'];
const KERNELS = ['6.1', '6.12'];
// The kernel numa-e2e's guest boots (guest.mjs's default): the drag runs on one kernel only.
const E2E_KERNEL = '6.1';
const HELP = `usage: node scripts/test-numa.mjs [--kernel SERIES] [--topology NAME] [--timeout SECONDS]

Boots a QEMU guest per Debian kernel and NUMA topology (test/numa-vm/guest.mjs) and runs
\`node scripts/run-tests.mjs numa\` in it as root, streaming the output. The guest sees
this repository read-only at the same path, so build first (npm run build, which
\`npm run test:numa\` does). The topology name reaches the tests as NUMASCOPE_TOPOLOGY.
With the two-node topology and kernel ${E2E_KERNEL} it then runs \`node scripts/run-tests.mjs
numa-e2e\` on this host: Chromium here drives numascope serve in one more two-node guest.

options:
  --kernel SERIES     boot one kernel only: ${KERNELS.join(' or ')} (default: both, in that order)
  --topology NAME     run one topology only: ${ALL.join(' or ')} (default: both, in that order)
  --timeout SECONDS   give up on a guest after this long (default 600)
  -h, --help          show this help

The last line is "N passed, N failed" summed over the guests and numa-e2e. Exit status 0
when every guest booted, ran its tests, and none failed; 1 otherwise; 2 for a bad command
line.`;

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      kernel: { type: 'string' },
      topology: { type: 'string' },
      timeout: { type: 'string', default: '600' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (error) {
  console.error(`test-numa: ${error.message}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  console.log(HELP);
  process.exit(0);
}
if (options.topology !== undefined && !ALL.includes(options.topology)) {
  console.error(`test-numa: unknown topology "${options.topology}" (expected ${ALL.join(' or ')})`);
  process.exit(2);
}
if (options.kernel !== undefined && !KERNELS.includes(options.kernel)) {
  console.error(`test-numa: unknown kernel "${options.kernel}" (expected ${KERNELS.join(' or ')})`);
  process.exit(2);
}
const timeoutSeconds = Number(options.timeout);
if (!(timeoutSeconds > 0)) {
  console.error(`test-numa: --timeout "${options.timeout}" is not a positive number of seconds`);
  process.exit(2);
}
const topologies = options.topology ? [options.topology] : ALL;
const kernels = options.kernel ? [options.kernel] : KERNELS;
const runE2E = topologies.includes('two-node') && kernels.includes(E2E_KERNEL);

if (!existsSync(join(root, 'dist', 'test', 'numa'))) {
  console.error('test-numa: no compiled tests in dist/test/numa: run `npm run build` first');
  process.exit(1);
}

const { ensureRig, runInGuest } = await import('../test/numa-vm/guest.mjs');
// Compiling the target fixture under TCG takes long and lands in the guest's throwaway
// overlay; compiled here, the guest finds it in the shared .cache.
const { buildC } = await import('../dist/test/helpers/target.js');
buildC('target');
buildC('heat-target', ['-pthread']);

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => controller.abort(signal));

const started = Date.now();
const rigs = new Map();
for (const kernel of kernels) {
  const rig = await ensureRig({ kernel }).catch((error) => {
    console.error(`test-numa: cannot prepare the guest for kernel ${kernel}: ${error.message}`);
    process.exit(1);
  });
  rigs.set(kernel, rig);
}
console.log(`test-numa: guest kernels ${[...rigs.values()].map((rig) => rig.kernelVersion).join(', ')}; topologies: ${topologies.join(', ')}`);

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];
/** One line per suite for the summary at the end: where it ran, its counts, its time. */
const suites = [];
for (const kernel of kernels) {
  for (const topology of topologies) {
    const name = `${topology}, Linux ${rigs.get(kernel).kernelVersion}`;
    console.log(`\n=== ${name} ===`);
    let result;
    try {
      result = await runInGuest({
        topology,
        kernel,
        script: `export NUMASCOPE_TOPOLOGY=${topology}\nnode scripts/run-tests.mjs numa\n`,
        timeoutMs: timeoutSeconds * 1000,
        signal: controller.signal,
        onOutput: (chunk) => process.stdout.write(chunk),
      });
    } catch (error) {
      problems.push(`${name}: the guest failed: ${error.message.split('\n')[0]}`);
      console.log(`\n=== ${name}: guest failed ===\n${error.message}`);
      if (controller.signal.aborted) break;
      continue;
    }
    count(name, result.output, result.exitCode, result.durationMs);
  }
  if (controller.signal.aborted) break;
}

/** Adds the last "N passed, N failed" line of a run's output to the totals and the summary. */
function count(name, output, exitCode, durationMs) {
  // run-tests.mjs prints the counts as its last line; take the last such line in the output.
  const lines = [...output.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)];
  const last = lines[lines.length - 1];
  const seconds = (durationMs / 1000).toFixed(1);
  if (!last) {
    problems.push(`${name}: no "N passed, N failed" line (exit ${exitCode})`);
    console.log(`\n=== ${name}: no test summary, exit ${exitCode}, ${seconds} s ===`);
    suites.push(`${name}: no test summary, exit ${exitCode}, ${seconds} s`);
    return;
  }
  const [passed, failed, skipped] = [Number(last[1]), Number(last[2]), Number(last[3] ?? 0)];
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  if (exitCode !== 0) problems.push(`${name}: the tests exited with ${exitCode}`);
  const counts = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} in ${seconds} s`;
  console.log(`\n=== ${name}: ${counts} ===`);
  suites.push(`${name}: ${counts}`);
}

// The mission test (test/numa-e2e) needs Chromium, which is on this host, not in a guest: it
// boots its own two-node guest and reaches serve in it through a port forward.
if (runE2E && !controller.signal.aborted) {
  const name = `numa-e2e (Chromium on this host, serve in a two-node guest, Linux ${rigs.get(E2E_KERNEL).kernelVersion})`;
  console.log(`\n=== ${name} ===`);
  if (!existsSync(join(root, 'dist', 'test', 'numa-e2e'))) {
    problems.push('numa-e2e: no compiled tests in dist/test/numa-e2e');
  } else {
    const e2eStarted = Date.now();
    const { code, output } = await runOnHost([join(root, 'scripts', 'run-tests.mjs'), 'numa-e2e'], timeoutSeconds * 1000);
    count(name, output, code, Date.now() - e2eStarted);
  }
}

/**
 * Runs node with `args` here, streaming and collecting stdout. Its own process group, so that
 * an abort or the timeout reaches the test runner's children too (the test turns SIGTERM into
 * an exit that powers its guest off and closes Chromium).
 */
function runOnHost(args, timeoutMs) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    const stop = () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      console.log(`\ntest-numa: numa-e2e still running after ${timeoutMs / 1000} s: stopping it`);
      stop();
    }, timeoutMs);
    controller.signal.addEventListener('abort', stop, { once: true });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      controller.signal.removeEventListener('abort', stop);
      resolvePromise({ code: code ?? signal, output });
    });
  });
}

const guests = kernels.length * topologies.length + (runE2E ? 1 : 0);
console.log(`\ntest-numa: ${guests} guest${guests === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const suite of suites) console.log(`test-numa: ${suite}`);
for (const problem of problems) console.log(`test-numa: ${problem}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed === 0 && problems.length === 0 && totals.passed > 0 ? 0 : 1);
