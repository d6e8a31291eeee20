/**
 * `serve --allow-host`: a browser behind a port forward (a VM's hostfwd, ssh -L 9000:...:8080)
 * sends Host and Origin with the outer port, which the server cannot know. The values the
 * user names are accepted exactly; every other name or port is still refused (DNS
 * rebinding), and the token is still required.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Result } from '../../../app/common/ipc.js';
import { parseAllowedHost, startServer } from '../../../app/main/serve/index.js';
import { NumascopeService } from '../../../app/main/service/index.js';
import { repoRoot } from '../../helpers/target.js';
import { send } from './http-client.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-allow-host-'));
const rendererDir = join(dir, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>numascope</title>');

// Port 1 is never this server's own port (the OS hands out ephemeral ones), so accepting it
// can only come from the allow list.
const FORWARDED = '127.0.0.1:1';
const service = new NumascopeService();
const server = await startServer({ service, rendererDir, allowHosts: [FORWARDED, 'Tunnel.Example:9000'] });
const { port, token } = server;
const auth = { Authorization: `Bearer ${token}` };

after(async () => {
  await server.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

async function topology(headers: Record<string, string>): Promise<{ status: number; code: string | null }> {
  const reply = await send({ port, path: '/api/system:topology', method: 'POST', headers, body: 'null' });
  const result = JSON.parse(reply.body) as Result<unknown>;
  return { status: reply.status, code: result.ok ? null : result.error.code };
}

test('parseAllowedHost takes exact NAME:PORT values and nothing looser', () => {
  assert.equal(parseAllowedHost('127.0.0.1:9000'), '127.0.0.1:9000');
  assert.equal(parseAllowedHost(' LocalHost:80 '), 'localhost:80');
  assert.equal(parseAllowedHost('[::1]:65535'), '[::1]:65535');
  assert.equal(parseAllowedHost('my-box.lan:8080'), 'my-box.lan:8080');
  for (const bad of ['127.0.0.1', 'localhost:', ':9000', 'localhost:0', 'localhost:65536', 'localhost:123456', '*:9000', '*.example:80', 'http://localhost:9000', 'a b:1', '[zz]:1', '::1:9000', '-x.example:1', 'x..example:1', '']) {
    assert.throws(() => parseAllowedHost(bad), RangeError, JSON.stringify(bad));
  }
});

test('startServer refuses an invalid allowHosts value before listening', async () => {
  await assert.rejects(startServer({ service, rendererDir, allowHosts: ['*:80'] }), RangeError);
});

test('a Host named with --allow-host gets the page and, with the token, the API', async () => {
  for (const host of [FORWARDED, 'tunnel.example:9000', 'TUNNEL.EXAMPLE:9000']) {
    const page = await send({ port, path: `/?token=${token}`, headers: { Host: host } });
    assert.equal(page.status, 200, host);
    assert.deepEqual(await topology({ ...auth, Host: host, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' }), { status: 200, code: null }, host);
  }
  // The server's own names keep working alongside.
  assert.equal((await send({ port, path: '/', headers: { Host: `127.0.0.1:${port}` } })).status, 200);
});

test('the allow list is exact: other ports and names are still refused as rebinding', async () => {
  for (const host of ['127.0.0.1:2', 'tunnel.example:9001', 'evil.example:1', 'evil.tunnel.example:9000', `evil.example:${port}`]) {
    assert.deepEqual(await topology({ ...auth, Host: host }), { status: 403, code: 'FORBIDDEN_HOST' }, host);
    const page = await send({ port, path: '/', headers: { Host: host } });
    assert.equal(page.status, 403, host);
    assert.match(page.body, /--allow-host/);
  }
});

test('an allowed Host does not excuse a foreign Origin or a missing token', async () => {
  for (const origin of ['http://evil.example', 'https://127.0.0.1:1', 'http://127.0.0.1:2']) {
    assert.deepEqual(await topology({ ...auth, Host: FORWARDED, Origin: origin }), { status: 403, code: 'FORBIDDEN_ORIGIN' }, origin);
  }
  assert.deepEqual(await topology({ Host: FORWARDED }), { status: 401, code: 'UNAUTHORIZED' });
  assert.deepEqual(await topology({ Host: FORWARDED, Authorization: 'Bearer wrong' }), { status: 403, code: 'FORBIDDEN' });
});

test('numascope serve --allow-host: accepted on the command line, bad values are usage errors', async () => {
  const bad = spawn(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'serve', '--port', '0', '--allow-host', 'localhost'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => bad.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /--allow-host "localhost" is not HOST:PORT/);

  const good = spawn(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'serve', '--port', '0', '--allow-host', FORWARDED, '--allow-host', '[::1]:2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: good.stdout }).once('line', resolve);
      good.once('exit', (exit) => reject(new Error(`serve exited with ${exit}`)));
    });
    const match = /^numascope: serving http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)$/.exec(line);
    assert.ok(match, line);
    const cliPort = Number(match[1]);
    for (const host of [FORWARDED, '[::1]:2']) {
      const reply = await send({ port: cliPort, path: '/api/system:topology', method: 'POST', headers: { Host: host, Authorization: `Bearer ${match[2]}` }, body: 'null' });
      assert.equal(reply.status, 200, `${host}: ${reply.body}`);
    }
    const refused = await send({ port: cliPort, path: '/', headers: { Host: '127.0.0.1:3' } });
    assert.equal(refused.status, 403);
  } finally {
    if (good.exitCode === null && good.signalCode === null) {
      const exited = new Promise((resolve) => good.once('exit', resolve));
      good.kill('SIGTERM');
      await exited;
    }
  }
});
