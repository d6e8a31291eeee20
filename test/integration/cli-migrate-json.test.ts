/** `numascope migrate --json` reports with the same fields as `move --json` where they mean the same. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../helpers/cli.js';
import { Target } from '../helpers/target.js';

const target = await Target.start(['--anon', '8M', '--nohuge']);
after(() => target.stop());

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

const COUNT_KEYS = ['requested', 'unmapped', 'notPresent', 'alreadyOnTarget', 'toMove', 'moved', 'failed', 'notAttempted'];

test('migrate --json carries move --json\'s who, outcome, message, error, counts and failures, then its pairs and per-node totals', async () => {
  const region = target.region(0);
  const move = await cli(['move', String(target.pid), '--range', `${hex(region.start)}-${hex(region.end)}`, '--to', '0', '--json']);
  // On this one-node host, node 0 onto itself: the kernel moves nothing, every page is already there.
  const migrate = await cli(['migrate', String(target.pid), '--from', '0', '--to', '0', '--json']);
  assert.deepEqual([move.code, migrate.code, migrate.stderr], [0, 0, '']);
  const moved = JSON.parse(move.stdout) as Record<string, unknown>;
  const migrated = JSON.parse(migrate.stdout) as Record<string, unknown> & { counts: Record<string, number>; totals: { node: number; before: number }[] };
  const shared = ['pid', 'comm', 'startTime', 'moveAll', 'outcome', 'message', 'error', 'pageSize', 'counts', 'failures', 'durationMs'];
  for (const key of shared) {
    assert.ok(key in moved, `move --json lacks ${key}`);
    assert.ok(key in migrated, `migrate --json lacks ${key}`);
    assert.equal(typeof migrated[key], typeof moved[key], key);
  }
  assert.deepEqual(Object.keys(migrated.counts), COUNT_KEYS);
  assert.deepEqual(Object.keys(moved['counts'] as object), COUNT_KEYS);
  const onNode0 = migrated.totals.find((t) => t.node === 0)?.before ?? 0;
  assert.ok(onNode0 >= 2048, `pages on node 0: ${onNode0}`);
  assert.deepEqual(
    [migrated['pid'], migrated['outcome'], migrated['error'], migrated['fromNodes'], migrated['toNodes'], migrated['mapping'], migrated['notMoved'], migrated['failures']],
    [target.pid, 'complete', null, [0], [0], [[0, 0]], 0, []],
  );
  assert.deepEqual(migrated.counts, { requested: onNode0, unmapped: 0, notPresent: 0, alreadyOnTarget: onNode0, toMove: 0, moved: 0, failed: 0, notAttempted: 0 });
  assert.equal(migrated['message'], '0 pages moved from nodes 0 to 0');
});

test('migrate --json reports a refusal as move --json does: {pid, error}', async () => {
  const [move, migrate] = await Promise.all([
    cli(['move', String(target.pid), '--range', '0x1000-0x2000', '--to', '5', '--json']),
    cli(['migrate', String(target.pid), '--from', '0', '--to', '5', '--json']),
  ]);
  assert.deepEqual([move.code, migrate.code], [1, 1]);
  const moveError = JSON.parse(move.stdout) as { pid: number; error: { code: string } };
  const migrateError = JSON.parse(migrate.stdout) as { pid: number; error: { code: string; message: string } };
  assert.deepEqual(Object.keys(migrateError), ['pid', 'error']);
  assert.deepEqual([migrateError.pid, migrateError.error.code], [target.pid, moveError.error.code]);
});
