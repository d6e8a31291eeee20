/**
 * numascope's metrics as Prometheus sees them: promtool's linter, and a real Prometheus
 * server scraping `numascope serve --metrics` over loopback, publicly and with the token.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { startOddlyNamed, ODD_NAME } from '../helpers/odd-name.js';
import { startPrometheus, startServe, type ServeChild } from '../helpers/prometheus.js';
import { Target } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-prom-'));
const target = await Target.start(['--anon', '12M', '--nohuge']);
const odd = await startOddlyNamed(dir);

after(async () => {
  await target.stop();
  await odd.stop();
  rmSync(dir, { recursive: true, force: true });
});

function promtool(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** What `numascope metrics --pid` reports for the target, per node. */
async function reportedBytes(pid: number): Promise<Map<string, string>> {
  const run = await cli(['metrics', '--pid', `${pid}`]);
  assert.equal(run.code, 0, run.stderr);
  const values = new Map<string, string>();
  for (const match of run.stdout.matchAll(new RegExp(`^numascope_process_node_bytes\\{pid="${pid}",comm="[^"]*",node="(\\d+)"\\} (\\d+)$`, 'gm'))) values.set(match[1] as string, match[2] as string);
  assert.ok(values.size > 0, run.stdout);
  return values;
}

test('promtool check metrics passes numascope metrics --all and a name with a quote, a backslash and a newline, with no warnings', async () => {
  assert.equal(odd.comm, ODD_NAME);
  const run = await cli(['metrics', '--all', '--pid', `${odd.pid}`]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.stdout.includes(`numascope_process_node_bytes{pid="${odd.pid}",comm="q\\"b\\\\c\\nx",node="0"}`), run.stdout);
  assert.ok(run.stdout.endsWith('# EOF\n'));
  const checked = promtool(run.stdout);
  assert.deepEqual(checked, { status: 0, output: '' });
  // The linter does catch what it should (so a pass means something).
  assert.equal(promtool('# HELP x_ms a\n# TYPE x_ms counter\nx_ms 1\n').status, 3);
});

/** Values by node label. */
function byNode(samples: readonly { metric: Record<string, string>; value: [number, string] }[]): Map<string, string> {
  return new Map(samples.map((sample) => [sample.metric.node as string, sample.value[1]]));
}

// One Prometheus (its first scrape comes about 5 s after start, when its target discovery
// first reports) scraping three jobs: a public server, and a token-protected one with and
// without the token.
test('a real Prometheus scrapes serve --metrics', async (t) => {
  const tokenFile = join(dir, 'token');
  const token = `${'k'.repeat(8)}-0123456789abcdefghijklmnopqrstuv`;
  writeFileSync(tokenFile, `${token}\n`);
  chmodSync(tokenFile, 0o600);
  const servers: ServeChild[] = [];
  try {
    const open = await startServe(['--metrics', '--metrics-public']);
    servers.push(open);
    const guarded = await startServe(['--metrics', '--token-file', tokenFile]);
    servers.push(guarded);
    assert.equal(guarded.token, token);
    const job = (name: string, server: ServeChild, pids: number[], auth: boolean): string[] => [
      `  - job_name: ${name}`,
      ...(auth ? ['    authorization:', `      credentials_file: ${tokenFile}`] : []),
      '    params:',
      `      pid: [${pids.map((pid) => `'${pid}'`).join(', ')}]`,
      '    static_configs:',
      `      - targets: ['${new URL(server.origin).host}']`,
    ];
    const prometheus = await startPrometheus(
      [...job('public', open, [target.pid, odd.pid], false), ...job('with-token', guarded, [target.pid], true), ...job('without-token', guarded, [target.pid], false), ''].join('\n'),
    );
    try {
      await t.test('serve --metrics --metrics-public: the target\'s bytes per node as numascope reports them', async () => {
        const result = await prometheus.waitFor(`numascope_process_node_bytes{pid="${target.pid}",job="public"}`);
        assert.deepEqual(byNode(result), await reportedBytes(target.pid));
        // The name came through the exposition's escaping intact.
        const oddSamples = await prometheus.waitFor(`numascope_process_node_bytes{pid="${odd.pid}"}`);
        assert.equal(oddSamples[0]?.metric.comm, ODD_NAME);
        const locality = await prometheus.waitFor(`numascope_process_locality_ratio{pid="${target.pid}",job="public"}`);
        assert.equal(locality[0]?.value[1], '1');
        // UNIT exists only in OpenMetrics: Prometheus asked for it and got it.
        const metadata = (await (await fetch(`${prometheus.url}/api/v1/metadata?metric=numascope_process_node_bytes`)).json()) as { data: Record<string, { unit: string }[]> };
        assert.equal(metadata.data.numascope_process_node_bytes?.[0]?.unit, 'bytes', JSON.stringify(metadata));
      });
      await t.test('serve --metrics --token-file: scraped with the token in a credentials file, refused without it', async () => {
        const result = await prometheus.waitFor(`numascope_process_node_bytes{pid="${target.pid}",job="with-token"}`);
        assert.deepEqual(byNode(result), await reportedBytes(target.pid));
        const up = await prometheus.waitFor('up{job=~"with-token|without-token"}', 2);
        assert.deepEqual(new Map(up.map((sample) => [sample.metric.job, sample.value[1]])), new Map([['with-token', '1'], ['without-token', '0']]));
        assert.deepEqual(await prometheus.query('numascope_process_node_bytes{job="without-token"}'), []);
      });
    } finally {
      await prometheus.stop();
    }
  } finally {
    for (const server of servers) await server.stop();
  }
});
