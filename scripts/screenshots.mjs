#!/usr/bin/env node
// Renews every picture the README shows, in docs/screenshots/, from real runs: numascope
// serve watching a redis-server that holds a few hundred MiB of keys (the heatmaps, light
// and dark, the tooltip and an exported PNG), the stand-in four-node server (the demo),
// and the two-node QEMU guest, where Chromium here drags pages from node 0 to node 1 and
// they really move (the move dialog and result). It compiles nothing: `npm run screenshots`
// builds first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { root, scriptArgs } from './cli.mjs';

const USAGE = `usage: node scripts/screenshots.mjs [--keys N] [--value-bytes N] [--skip-demo] [--skip-guest]

Needs redis-server and redis-cli (Debian: apt-get install redis-server), Chromium
(/usr/bin/chromium) and, for the move pictures, the QEMU guest rig (npm run test:numa
installs it on first use).

options:
  --keys N          keys to load into redis with DEBUG POPULATE (default 1500000)
  --value-bytes N   bytes per value (default 200; the default load is about 400 MiB in redis)
  --skip-demo       leave the four-node demo pictures as they are
  --skip-guest      leave the move pictures (two-node guest) as they are`;

const { values: options } = scriptArgs(USAGE, {
  options: {
    keys: { type: 'string', default: '1500000' },
    'value-bytes': { type: 'string', default: '200' },
    'skip-demo': { type: 'boolean', default: false },
    'skip-guest': { type: 'boolean', default: false },
  },
});
const keys = Number(options.keys);
const valueBytes = Number(options['value-bytes']);
if (!(Number.isInteger(keys) && keys > 0 && Number.isInteger(valueBytes) && valueBytes > 0)) {
  console.error(`screenshots: --keys and --value-bytes must be positive integers\n\n${USAGE}`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'test', 'e2e', 'serve.js'))) {
  console.error('screenshots: no build found: run `npm run build` first (npm run screenshots does)');
  process.exit(1);
}
for (const tool of ['redis-server', 'redis-cli']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`screenshots: ${tool} is missing (Debian: apt-get install redis-server)`);
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
  // Two polls after the first draw: the "last poll" line has something to say and the heatmaps are final.
  await page.locator('[data-testid="changes"]').waitFor({ timeout: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  // Between two scans, so no progress bar of a scan under way is in the picture.
  await waitFor('a moment between scans', async () => (await page.locator('.scan-progress').count()) === 0, 30_000, 20);
}

async function redisPictures() {
  const port = await freePort();
  // No persistence: the data lives only in this redis's memory, which is what is pictured.
  const redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local', '--loglevel', 'warning'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let serve = null;
  let browser = null;
  try {
    await waitFor('redis to answer PING', async () => redisCli(port, 'PING') === 'PONG', 20_000, 200);
    const started = Date.now();
    redisCli(port, 'DEBUG', 'POPULATE', String(keys), 'key', String(valueBytes));
    // A second keyspace of hashes, so the heap holds more than one kind of object.
    redisCli(port, 'EVAL', "for i = 1, tonumber(ARGV[1]) do redis.call('HSET', 'session:' .. i, 'user', i, 'cart', string.rep('x', 64), 'seen', i * 7) end return 1", '0', '100000');
    const used = /used_memory_human:(\S+)/.exec(redisCli(port, 'INFO', 'memory'))?.[1] ?? '?';
    say(`redis pid ${redis.pid} on port ${port}: ${keys} keys of ${valueBytes} bytes and 100000 hashes, ${used} used, loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    serve = await startServe(['--pid', String(redis.pid)]);
    browser = await launchChromium();
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: scheme, acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(serve.url);
      await page.waitForSelector('[data-node-panel="0"]', { timeout: 120_000 });
      await waitForInk(page, '[data-node-panel="0"]', 'the heatmap');
      await settle(page);
      const name = scheme === 'light' ? 'heatmaps.png' : 'heatmaps-dark.png';
      await page.screenshot({ path: join(OUT, name) });
      say(`wrote docs/screenshots/${name}`);
      if (scheme === 'light') {
        const box = await page.locator('[data-node-panel="0"]').boundingBox();
        await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
        await page.locator('[data-testid="heatmap-tooltip"]').waitFor({ timeout: 10_000 });
        await page.screenshot({ path: join(OUT, 'tooltip.png'), clip: { x: 0, y: Math.max(0, box.y - 140), width: 1400, height: 320 } });
        await page.mouse.move(0, 0);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export PNG')]);
        await download.saveAs(join(OUT, 'export.png'));
        say('wrote docs/screenshots/tooltip.png and export.png');
      }
      await context.close();
    }
  } finally {
    await browser?.close();
    await serve?.stop();
    if (redis.exitCode === null && redis.signalCode === null) {
      const exited = new Promise((resolve) => redis.once('exit', resolve));
      redis.kill('SIGTERM');
      await exited;
    }
  }
}

await redisPictures();
if (!options['skip-demo']) {
  say('the four-node demo (stand-in server)');
  runTests(['--test', '--test-reporter=dot', join(root, 'dist', 'test', 'e2e', 'renderer.test.js')]);
}
if (!options['skip-guest']) {
  say('the move pictures: Chromium here, numascope serve in the two-node guest (several minutes)');
  runTests([join(root, 'scripts', 'run-tests.mjs'), 'numa-e2e']);
}
say('done');
