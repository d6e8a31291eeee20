/**
 * moveNode on a real process on this one-node host: what it refuses before migrate_pages runs.
 * Real cross-node moves are in test/numa/node-move.test.ts (the two-node guest).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MigratorError, moveNode } from '../../../app/main/migrator/index.js';
import { Target } from '../../helpers/target.js';

const target = await Target.start(['--anon', '2M', '--nohuge']);
after(() => target.stop());

async function refusal(work: Promise<unknown>): Promise<[string, string]> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof MigratorError, String(error));
    return [error.code, error.message];
  }
  assert.fail('moveNode did not refuse');
}

test('moveNode refuses a node onto itself, a node that does not exist, another process under the pid, and a move cancelled first', async () => {
  const identity = { pid: target.pid, comm: 'someone-else', cmdline: [], startTime: 1 };
  const cancelled = new AbortController();
  cancelled.abort();
  const [self, missing, reused, aborted] = await Promise.all([
    refusal(moveNode({ pid: target.pid, fromNode: 0, toNode: 0 })),
    refusal(moveNode({ pid: target.pid, fromNode: 0, toNode: 7 })),
    refusal(moveNode({ pid: target.pid, fromNode: 1, toNode: 0, expectedIdentity: identity })),
    // Node 1 holds nothing here, but the checks let 1 -> 0 through; the signal stops it before any page is asked about.
    refusal(moveNode({ pid: target.pid, fromNode: 1, toNode: 0 }, { signal: cancelled.signal })),
  ]);
  assert.deepEqual(self, ['BAD_REQUEST', 'node 0 is both the source and the target']);
  assert.deepEqual(missing[0], 'ENODEV');
  assert.match(missing[1], /node 7 does not exist on this machine/);
  assert.equal(reused[0], 'IDENTITY_CHANGED');
  assert.deepEqual(aborted[0], 'ABORTED');
});
