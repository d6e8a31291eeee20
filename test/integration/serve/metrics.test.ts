/**
 * GET /metrics in serve mode: the token (unless public), Host/Origin checks kept, the format
 * chosen by Accept, the processes chosen by the query.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcessNodeUsage } from '../../../app/main/proc/node-usage.js';
import { startServer, type RunningServer } from '../../../app/main/serve/index.js';
import { NumascopeService } from '../../../app/main/service/index.js';
import { cli } from '../../helpers/cli.js';
import { startOddlyNamed } from '../../helpers/odd-name.js';
import { Target } from '../../helpers/target.js';
import { send, type Reply } from './http-client.js';

const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const dir = mkdtempSync(join(tmpdir(), 'numascope-metrics-'));
const rendererDir = join(dir, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>numascope</title>');

const target = await Target.start(['--anon', '6M', '--nohuge']);
const odd = await startOddlyNamed(dir);
const service = new NumascopeService();
const guarded = await startServer({ service, rendererDir, metrics: { public: false } });
const open = await startServer({ service, rendererDir, metrics: { public: true } });
const plain = await startServer({ service, rendererDir });

after(async () => {
  for (const server of [guarded, open, plain]) await server.close();
  await service.close();
  await target.stop();
  await odd.stop();
  rmSync(dir, { recursive: true, force: true });
});

function get(server: RunningServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return send({ port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } });
}

const bearer = (server: RunningServer): Record<string, string> => ({ Authorization: `Bearer ${server.token}` });

test('/metrics needs the token: 401 without, 403 with a wrong one, 200 with it', async () => {
  assert.equal((await get(guarded, '/metrics')).status, 401);
  assert.equal((await get(guarded, '/metrics', { Authorization: 'Bearer wrong' })).status, 403);
  assert.equal((await get(guarded, `/metrics?token=${guarded.token}`)).status, 200);
  const reply = await get(guarded, '/metrics', bearer(guarded));
  assert.equal(reply.status, 200, reply.body);
  assert.match(reply.body, /^numascope_node_memory_total_bytes\{node="0"\} \d+$/m);
  assert.equal(reply.headers['cache-control'], 'no-store');
  assert.ok(reply.headers['content-security-policy']);
});

test('Host, Origin and fetch metadata are checked on /metrics, with or without the token', async () => {
  for (const server of [guarded, open]) {
    assert.equal((await get(server, '/metrics', { ...bearer(server), Host: `evil.example:${server.port}` })).status, 403);
    assert.equal((await get(server, '/metrics', { ...bearer(server), Origin: 'http://evil.example' })).status, 403);
    assert.equal((await get(server, '/metrics', { ...bearer(server), 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  }
});

test('--metrics-public: /metrics without the token, and only /metrics', async () => {
  const reply = await get(open, `/metrics?pid=${target.pid}`);
  assert.equal(reply.status, 200, reply.body);
  assert.match(reply.body, new RegExp(`^numascope_process_node_bytes\\{pid="${target.pid}",comm="[^"]+",node="0"\\} \\d+$`, 'm'));
  const api = await send({ port: open.port, path: '/api/topology:get', method: 'POST', headers: { Host: `127.0.0.1:${open.port}` }, body: '{}' });
  assert.equal(api.status, 401);
  assert.equal((await get(open, '/api/events')).status, 401);
});

test('without the metrics option there is no /metrics', async () => {
  const reply = await get(plain, '/metrics', bearer(plain));
  assert.equal(reply.status, 404);
  assert.doesNotMatch(reply.body, /numascope_/);
});

test('OpenMetrics for a scraper that accepts it, else the Prometheus text format; both pass promtool', async () => {
  const openMetrics = await get(guarded, `/metrics?pid=${target.pid}&pid=${odd.pid}`, { ...bearer(guarded), Accept: PROMETHEUS_ACCEPT });
  assert.equal(openMetrics.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  assert.ok(openMetrics.body.endsWith('# EOF\n'));
  assert.match(openMetrics.body, /^# UNIT numascope_process_node_bytes bytes$/m);
  const text = await get(guarded, `/metrics?pid=${target.pid}&pid=${odd.pid}`, bearer(guarded));
  assert.equal(text.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.doesNotMatch(text.body, /# EOF|# UNIT/);
  for (const body of [openMetrics.body, text.body]) {
    assert.ok(body.includes(`numascope_process_node_bytes{pid="${odd.pid}",comm="q\\"b\\\\c\\nx",node="0"}`), body);
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.deepEqual({ status: checked.status, output: checked.stdout + checked.stderr }, { status: 0, output: '' });
  }
});

test('the query chooses the processes; the bytes are the numa_maps totals', async () => {
  const none = await get(guarded, '/metrics', bearer(guarded));
  assert.doesNotMatch(none.body, /numascope_process_/);
  const one = await get(guarded, `/metrics?pid=${target.pid}`, bearer(guarded));
  const value = new RegExp(`^numascope_process_node_bytes\\{pid="${target.pid}",comm="[^"]+",node="0"\\} (\\d+)$`, 'm').exec(one.body)?.[1];
  assert.equal(Number(value), (await readProcessNodeUsage(target.pid)).bytesByNode.get(0));
  const all = await get(guarded, '/metrics?all=1', bearer(guarded));
  assert.ok(all.body.includes(`pid="${target.pid}"`) && all.body.includes(`pid="${process.pid}"`));
  assert.equal((await get(guarded, '/metrics?pid=abc', bearer(guarded))).status, 400);
  assert.equal((await get(guarded, '/metrics?all=yes', bearer(guarded))).status, 400);
  const post = await get(guarded, '/metrics', bearer(guarded), 'POST');
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
});

test('serve: --metrics-public needs --metrics; a bad --token-file is refused', async () => {
  const alone = await cli(['serve', '--metrics-public']);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /--metrics-public needs --metrics/);
  const short = join(dir, 'short-token');
  writeFileSync(short, 'tooshort\n');
  const weak = await cli(['serve', '--metrics', '--token-file', short]);
  assert.equal(weak.code, 2);
  assert.match(weak.stderr, /--token-file .*short-token: the first line must be 32 to 512 characters/);
  const missing = await cli(['serve', '--token-file', join(dir, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--token-file .*nope: .*(no such file|does not exist)/i);
});
