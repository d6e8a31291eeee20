/**
 * `numascope diff` on two real snapshots of a process that grew between them: one region's
 * untouched pages were filled in (ENOENT -> node 0) and a new region was mapped. The report
 * is the same computation as the window's comparison; the exit status follows diff(1).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffInTimeOrder } from '../../app/common/snapshot/diff.js';
import { parseSnapshot } from '../../app/common/snapshot/index.js';
import type { DiffReport } from '../../app/main/cli/commands/diff.js';
import { cli, CLI } from '../helpers/cli.js';
import { Target } from '../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-diff-'));
const target = await Target.start(['--anon', '4M', '--untouched', '8M', '--nohuge']);
after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

const beforeFile = join(dir, 'before.json');
const afterFile = join(dir, 'after.json');
assert.equal((await cli(['snapshot', `${target.pid}`, '-o', beforeFile])).code, 0);
await target.fill(1, 7);
const grown = await target.grow('4M');
assert.equal((await cli(['snapshot', `${target.pid}`, '-o', afterFile])).code, 0);
const PAGES_8M = (8 << 20) / target.info.pageSize;
const PAGES_4M = (4 << 20) / target.info.pageSize;

test('diff --json: totals before/after, the filled pages as ENOENT -> node 0, the new region as added; exit 1', async () => {
  const run = await cli(['diff', beforeFile, afterFile, '--json']);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as DiffReport;
  assert.deepEqual([report.format, report.version, report.equal, report.sameProcess, report.backwards], ['numascope-diff', 1, false, true, false]);
  assert.deepEqual([report.before.file, report.after.file, report.before.pid], [beforeFile, afterFile, target.pid]);
  const node0 = report.totals.find((t) => t.status === 0);
  assert.ok(node0 !== undefined && node0.delta === node0.after - node0.before && node0.delta >= PAGES_8M + PAGES_4M, JSON.stringify(node0));
  assert.equal(node0.name, 'node 0');
  const filled = report.transitions.find((t) => t.from === -2 && t.to === 0);
  assert.ok(filled !== undefined && filled.pages >= PAGES_8M, JSON.stringify(report.transitions));
  const added = report.ranges.added.find((r) => BigInt(r.start) <= grown.start && grown.end <= BigInt(r.end));
  assert.ok(added !== undefined, `the grown region ${grown.start.toString(16)} is not among ${JSON.stringify(report.ranges.added)}`);
  // The same numbers as the window's comparison of the two files.
  const files = [beforeFile, afterFile].map((f) => ({ name: f, snapshot: parseSnapshot(readFileSync(f, 'utf8')) }));
  const ui = diffInTimeOrder(files[1]!, files[0]!).diff;
  assert.deepEqual(report.totals.map(({ status, before, after, delta }) => ({ status, before, after, delta })), ui.totals);
  assert.deepEqual(report.pages, { compared: ui.comparedPages, changed: ui.changedPages, newlyMapped: ui.newPages, noLongerMapped: ui.gonePages });
});

test('diff as text names both files and times, with per-status totals and the change', async () => {
  const run = await cli(['diff', beforeFile, afterFile]);
  assert.equal(run.code, 1, run.stderr);
  const before = parseSnapshot(readFileSync(beforeFile, 'utf8'));
  assert.match(run.stdout, new RegExp(`^before  ${beforeFile}: pid ${target.pid} \\(target-[0-9a-f]+\\) start \\d+, taken ${before.takenAt.replace(/\./g, '\\.')}\n`));
  assert.match(run.stdout, /\nafter {3}.*after\.json: pid/);
  assert.match(run.stdout, /\nnode 0 +[\d,]+ +[\d,]+ +\+[\d,]+\n/);
  assert.match(run.stdout, /\n {2}ENOENT \(-2\) -> node 0 +[\d,]+\n/);
  assert.match(run.stdout, /the placements differ\n$/);
  // Given the other way round, it says it reads backwards.
  const backwards = await cli(['diff', afterFile, beforeFile]);
  assert.equal(backwards.code, 1);
  assert.match(backwards.stdout, /note: "before" was taken after "after": this reads backwards/);
});

test('diff of a snapshot with itself is equal (exit 0); - reads one of them from stdin', () => {
  const same = spawnSync(process.execPath, [CLI, 'diff', beforeFile, '-'], { input: readFileSync(beforeFile) });
  assert.equal(same.status, 0, same.stderr.toString());
  assert.match(same.stdout.toString(), /the placements are the same\n$/);
});

test('diff refuses bad usage and unreadable or invalid files with exit 2', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"format": "nope"}');
  for (const args of [['diff', beforeFile], ['diff', '-', '-'], ['diff', beforeFile, afterFile, 'extra'], ['diff', beforeFile, join(dir, 'missing.json')], ['diff', bad, afterFile], ['diff', beforeFile, afterFile, '--jsn']]) {
    const run = await cli(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, /^numascope diff: /);
    assert.equal(run.stdout, '');
  }
  const help = await cli(['diff', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: numascope diff BEFORE AFTER \[--json\]/);
  assert.match((await cli(['--help'])).stdout, /\n {2}diff +compare two snapshots/);
});
