/**
 * `numascope report`: one HTML page holding the built renderer and a snapshot, from a snapshot
 * file and from a live process, to a file or to standard output; what it embeds is the
 * snapshot the reader accepts, its CSP names exactly the inline script and style, hostile
 * text in the snapshot cannot end the data element, and bad input ends in one line.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseSnapshot, serializeSnapshot } from '../../app/common/snapshot/codec.js';
import type { SnapshotFile } from '../../app/common/snapshot/schema.js';
import { readRendererFiles } from '../../app/main/report/report-page.js';
import { CLI, cli } from '../helpers/cli.js';
import { reportParts } from '../helpers/report.js';
import { Target } from '../helpers/target.js';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('numascope report', { timeout: 120_000 }, () => {
  let target: Target;
  let dir: string;
  let snapshotPath: string;
  let snapshot: SnapshotFile;

  before(async () => {
    target = await Target.start(['--anon', '8M', '--nohuge']);
    dir = mkdtempSync(join(tmpdir(), 'numascope-report-'));
    snapshotPath = join(dir, 'before.json');
    const taken = await cli(['snapshot', String(target.pid), '-o', snapshotPath]);
    assert.equal(taken.code, 0, taken.stderr);
    snapshot = parseSnapshot(readFileSync(snapshotPath, 'utf8'));
  });
  after(async () => {
    await target?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('from a snapshot file: the page embeds that snapshot, inlines the renderer and pins both by hash in its CSP', async () => {
    const out = join(dir, 'from-file.html');
    const run = await cli(['report', snapshotPath, '-o', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^numascope: wrote ${out} \\(\\d+(\\.\\d+)? KiB\\): process ${target.pid} \\(target[^)]*\\) taken ${snapshot.takenAt}\\n$`));
    const html = readFileSync(out, 'utf8');
    const parts = reportParts(html);
    assert.deepEqual(parseSnapshot(parts.data), snapshot);
    assert.equal(parts.name, 'before.json');
    // A snapshot file does not say which host it came from.
    assert.equal(parts.title, `numascope report: ${snapshot.process.comm} (pid ${target.pid}), taken ${snapshot.takenAt.replace('T', ' ').replace(/\.\d+/, '')}`);

    const renderer = await readRendererFiles();
    assert.equal(parts.script, renderer.script);
    assert.equal(parts.style, renderer.style);
    assert.doesNotMatch(parts.script, /sourceMappingURL|LEGAL\.txt/, 'no pointer to a file beside the bundle');
    const { csp } = parts;
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`script-src ${sha256(parts.script)};`), csp);
    assert.ok(csp.includes(`style-src ${sha256(parts.style)};`), csp);
    assert.doesNotMatch(csp, /unsafe|https?:|connect-src/);
    // Nothing is loaded from anywhere: no src or href but the empty data: icon.
    assert.deepEqual([...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]), ['data:,']);
    assert.match(html, /@license React/, 'the bundled libraries keep their licence notices');
  });

  it('from a live process: takes the snapshot first and names this host', async () => {
    const out = join(dir, 'live.html');
    const run = await cli(['report', '--pid', String(target.pid), '-o', out]);
    assert.equal(run.code, 0, run.stderr);
    const parts = reportParts(readFileSync(out, 'utf8'));
    const live = parseSnapshot(parts.data);
    assert.equal(live.process.pid, target.pid);
    assert.equal(live.process.startTime, snapshot.process.startTime);
    // The 8 MiB region, every page touched, is on node 0 (the only node here).
    assert.ok((live.totals.byNode['0'] ?? 0) >= (8 << 20) / live.pageSize, JSON.stringify(live.totals));
    assert.match(parts.title, new RegExp(`^numascope report: target[^ ]* \\(pid ${target.pid}\\) on ${hostname()}, taken \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
    assert.equal(parts.name, `${live.process.comm.replace(/[^A-Za-z0-9_-]+/g, '_')}-${target.pid}.numascope.json`);

    const named = await cli(['report', '--pid', String(target.pid), '--host', 'db-7', '-o', out]);
    assert.equal(named.code, 0, named.stderr);
    assert.match(reportParts(readFileSync(out, 'utf8')).title, / on db-7, taken /);
  });

  it('-o - writes the page to standard output, and - reads the snapshot from standard input', () => {
    const run = spawnSync(process.execPath, [CLI, 'report', '-', '-o', '-'], { input: readFileSync(snapshotPath), encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^<!doctype html>\n/);
    assert.match(run.stdout, /<\/html>\n$/);
    assert.deepEqual(parseSnapshot(reportParts(run.stdout).data), snapshot);
  });

  it('replaces an existing page atomically, keeping its mode', async () => {
    const out = join(dir, 'kept-mode.html');
    writeFileSync(out, 'old');
    chmodSync(out, 0o640);
    const run = await cli(['report', snapshotPath, '-o', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(statSync(out).mode & 0o777, 0o640);
    assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/);
  });

  it('text in the snapshot cannot end the data element or reach the markup', async () => {
    const hostile = { ...snapshot, process: { ...snapshot.process, comm: '</script><b>x', cmdline: ['<!--<script>', '"&\'</SCRIPT>'] } };
    const file = join(dir, 'hostile <b>.json');
    writeFileSync(file, serializeSnapshot(hostile));
    const out = join(dir, 'hostile.html');
    const run = await cli(['report', file, '-o', out]);
    assert.equal(run.code, 0, run.stderr);
    const html = readFileSync(out, 'utf8');
    const parts = reportParts(html);
    // Two elements end: the data and the script; nothing else opens a comment but the licences.
    assert.equal(html.match(/<\/script/gi)?.length, 2);
    assert.doesNotMatch(parts.data, /</);
    assert.deepEqual(parseSnapshot(parts.data).process, hostile.process);
    assert.equal(parts.title, `numascope report: &#60;/script&#62;&#60;b&#62;x (pid ${target.pid}), taken ${snapshot.takenAt.replace('T', ' ').replace(/\.\d+/, '')}`);
    assert.equal(parts.name, 'hostile &#60;b&#62;.json');
  });

  it('refuses bad input in one line, and writes nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "numascope-snapshot", "version": 1');
    const outDir = join(dir, 'a-directory');
    mkdirSync(outDir);
    const out = join(dir, 'never.html');
    const cases: [string[], RegExp][] = [
      [['report'], /missing SNAPSHOT/],
      [['report', '-o', out], /missing SNAPSHOT/],
      [['report', snapshotPath], /missing -o FILE/],
      [['report', snapshotPath, '--pid', String(target.pid), '-o', out], /not both/],
      [['report', snapshotPath, 'extra', '-o', out], /unexpected argument "extra"/],
      [['report', '--pid', 'abc', '-o', out], /"abc" is not a process id/],
      [['report', '--pid', '4194303', '-o', out], /4194303/],
      [['report', join(dir, 'missing.json'), '-o', out], /cannot read snapshot .*missing\.json: no such file/],
      [['report', bad, '-o', out], /cannot read snapshot .*bad\.json: /],
      [['report', snapshotPath, '-o', outDir], /cannot write report .*a-directory: /],
      [['report', snapshotPath, '--host', '', '-o', out], /--host needs a name/],
      [['report', snapshotPath, '--hots', 'x', '-o', out], /unknown option --hots \(did you mean --host\?\)/],
    ];
    for (const [args, reason] of cases) {
      const run = await cli(args);
      const said = `${args.join(' ')} -> ${run.code}: ${run.stderr}`;
      assert.notEqual(run.code, 0, said);
      assert.equal(run.stdout, '', said);
      assert.match(run.stderr, /^numascope report: [^\n]+\n$/, said);
      assert.match(run.stderr, reason, said);
    }
    assert.equal(existsSync(out), false);
  });

  it('--help gives both forms, the output rules and examples', async () => {
    const run = await cli(['report', '--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^usage: numascope report SNAPSHOT -o FILE\n {7}numascope report --pid PID -o FILE\n/);
    assert.match(run.stdout, /-o, --output FILE .*replaced atomically/s);
    assert.match(run.stdout, /examples:\n {2}numascope report --pid 4242 -o /);
  });

  it('says how to build the renderer when it is missing', async () => {
    await assert.rejects(readRendererFiles(join(dir, 'no-renderer')), /^ReportError: the renderer is not built: .*no-renderer\/app\.js is missing \(run npm run build\)$/);
  });
});
