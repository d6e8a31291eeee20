#!/usr/bin/env node
// Renews every picture the README shows, in docs/screenshots/, from real runs: numascope
// serve watching a redis-server on this host while redis-benchmark fills it (the page view
// with its chart, light and dark, the tooltip, an exported PNG), the stand-in four-node
// server (the demo), and a redis-server in the two-node QEMU guest (screenshots-guest.mjs),
// where Chromium here drags a range of its data from node 0 to node 1, measures heat while
// redis-benchmark writes, and moves all of node 0, each move checked against numa_maps in
// the guest. It compiles nothing: `npm run screenshots` builds first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { root, scriptArgs } from './cli.mjs';
import { guestPictures } from './screenshots-guest.mjs';

const USAGE = `usage: node scripts/screenshots.mjs [--requests N] [--value-bytes N] [--guest-requests N] [--skip-host] [--skip-demo] [--skip-guest] [--verbose]

Needs redis-server, redis-cli and redis-benchmark (scripts/setup.sh installs them), Chromium
(/usr/bin/chromium) and, for the move pictures, the QEMU guest rig (test/numa-vm; set up on
first use, which installs QEMU and a kernel).

options:
  --requests N        how many of each of SET, HSET and LPUSH redis-benchmark sends the
                      host's redis, keys drawn at random out of N (default 1000000)
  --value-bytes N     bytes per value (default 200)
  --guest-requests N  the same for the redis in the guest (default 150000; the guest is emulated)
  --skip-host         leave the pictures of the host's redis as they are
  --skip-demo         leave the four-node demo pictures as they are
  --skip-guest        leave the guest's pictures (system view, moves, heat) as they are
  --verbose           stream the guest's console`;

const { values: options } = scriptArgs(USAGE, {
  options: {
    requests: { type: 'string', default: '1000000' },
    'value-bytes': { type: 'string', default: '200' },
    'guest-requests': { type: 'string', default: '150000' },
    'skip-host': { type: 'boolean', default: false },
    'skip-demo': { type: 'boolean', default: false },
    'skip-guest': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const requests = Number(options.requests);
const valueBytes = Number(options['value-bytes']);
const guestRequests = Number(options['guest-requests']);
if (![requests, valueBytes, guestRequests].every((n) => Number.isInteger(n) && n > 0)) {
  console.error(`screenshots: --requests, --value-bytes and --guest-requests must be positive integers\n\n${USAGE}`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'test', 'e2e', 'serve.js'))) {
  console.error('screenshots: no build found: run `npm run build` first (npm run screenshots does)');
  process.exit(1);
}
for (const tool of ['redis-server', 'redis-cli', 'redis-benchmark']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`screenshots: ${tool} is missing (scripts/setup.sh installs it; Debian: apt-get install redis-server)`);
    process.exit(1);
  }
}

const OUT = join(root, 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });
const { startServe, waitFor } = await import(join(root, 'dist', 'test', 'e2e', 'serve.js'));
const { launchChromium, waitForInk } = await import(join(root, 'dist', 'test', 'e2e', 'browser.js'));
const say = (text) => console.log(`screenshots: ${text}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function redisCli(port, ...args) {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

/** Runs compiled test files with NUMASCOPE_SCREENSHOTS=1, so they save their pictures into docs/screenshots. */
function runTests(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NUMASCOPE_SCREENSHOTS: '1' } });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${result.status})`);
}

async function settle(page) {
  // A few polls after the first draw: the "last poll" line has something to say, the chart
  // above the heatmaps has a line to draw, and the heatmaps are final.
  await page.locator('[data-testid="changes"]').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="timeline-chart"]').waitFor({ timeout: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 6000));
  // Between two scans, so no progress bar of a scan under way is in the picture.
  await waitFor('a moment between scans', async () => (await page.locator('.scan-progress').count()) === 0, 30_000, 20);
}

/** redis-benchmark against the redis on `port`: SET, HSET and LPUSH of random keys out of `keyspace`. */
function benchmarkArgs(port, count, keyspace, tests) {
  return ['-h', '127.0.0.1', '-p', String(port), '-q', '-P', '16', '-c', '4', '-n', String(count), '-r', String(keyspace), '-d', String(valueBytes), '-t', tests];
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Runs redis-benchmark to its end without blocking this process: the pages keep drawing meanwhile. */
function runBenchmark(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-benchmark exited with ${code}: ${stderr}`))));
  });
}

async function openPageView(browser, serve, scheme) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme: scheme, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(serve.url);
  await page.waitForSelector('[data-node-panel="0"]', { timeout: 120_000 });
  return page;
}

/**
 * The page view, light and dark, opened on the empty redis before redis-benchmark fills it,
 * so that the chart above the heatmaps shows the filling poll by poll.
 */
async function redisPictures() {
  const port = await freePort();
  // No persistence: the data lives only in this redis's memory, which is what is pictured.
  const redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let serve = null;
  let browser = null;
  try {
    await waitFor('redis to answer PING', async () => redisCli(port, 'PING') === 'PONG', 20_000, 200);
    serve = await startServe(['--pid', String(redis.pid)]);
    browser = await launchChromium();
    const pages = { light: await openPageView(browser, serve, 'light'), dark: await openPageView(browser, serve, 'dark') };
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const started = Date.now();
    await runBenchmark(benchmarkArgs(port, requests, requests, 'set,hset,lpush'));
    const keys = redisCli(port, 'DBSIZE');
    const used = /used_memory_human:(\S+)/.exec(redisCli(port, 'INFO', 'memory'))?.[1] ?? '?';
    say(`redis pid ${redis.pid} on port ${port}: ${keys} keys of ${valueBytes} bytes, ${used} used, filled by redis-benchmark in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const [scheme, page] of Object.entries(pages)) {
      await waitForInk(page, '[data-node-panel="0"]', 'the heatmap');
      await settle(page);
      const name = scheme === 'light' ? 'heatmaps.png' : 'heatmaps-dark.png';
      await page.screenshot({ path: join(OUT, name) });
      say(`wrote docs/screenshots/${name}`);
    }
    const page = pages.light;
    const box = await page.locator('[data-node-panel="0"]').boundingBox();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.locator('[data-testid="heatmap-tooltip"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(OUT, 'tooltip.png'), clip: { x: 0, y: Math.max(0, box.y - 140), width: 1400, height: 320 } });
    await page.mouse.move(0, 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export PNG')]);
    await download.saveAs(join(OUT, 'export.png'));
    say('wrote docs/screenshots/tooltip.png and export.png');
  } finally {
    await browser?.close();
    await serve?.stop();
    await stopChild(redis);
  }
}

if (!options['skip-host']) await redisPictures();
if (!options['skip-demo']) {
  say('the four-node demo (stand-in server)');
  runTests(['--test', '--test-reporter=dot', join(root, 'dist', 'test', 'e2e', 'renderer.test.js')]);
}
if (!options['skip-guest']) {
  say('the move pictures: redis-server in the two-node guest, Chromium here (several minutes)');
  await guestPictures({ out: OUT, launchChromium, waitFor, freePort, say, requests: guestRequests, valueBytes, verbose: options.verbose });
}
say('done');
