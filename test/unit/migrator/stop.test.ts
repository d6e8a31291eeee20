/** stop.ts: reading a whole-call failure as an exit or a failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MigratorError } from '../../../app/main/migrator/errors.js';
import { notStartedError, stopFor } from '../../../app/main/migrator/stop.js';
import { SurveyHalted } from '../../../app/main/migrator/survey.js';
import type { ProcessIdentity } from '../../../app/common/types.js';

const identity: ProcessIdentity = { pid: 42, comm: 'fake', cmdline: [], startTime: 1 };
const errno = (code: string): Error => Object.assign(new Error(code), { code });
const gone = (why: string | null) => ({ whyGone: async () => why });

test('ESRCH is an exit; EINVAL and ENOENT are one only when the process has gone', async () => {
  assert.deepEqual({ ...(await stopFor(errno('ESRCH'), identity, gone(null))) }, { outcome: 'exited', code: 'ESRCH', detail: 'process 42 exited' });
  assert.deepEqual({ ...(await stopFor(errno('EINVAL'), identity, gone('process 42 was replaced'))) }, { outcome: 'exited', code: 'ESRCH', detail: 'process 42 was replaced' });
  const invalid = await stopFor(errno('EINVAL'), identity, gone(null));
  assert.equal(invalid.outcome, 'failed');
  assert.equal(invalid.code, 'EINVAL');
});

test('other failures keep their code, a MigratorError its message, and no code reads as EIO', async () => {
  let asked = false;
  const watch = { whyGone: async () => ((asked = true), null) };
  const denied = await stopFor(errno('EACCES'), identity, watch);
  assert.deepEqual([denied.outcome, denied.code, asked], ['failed', 'EACCES', false]);
  const own = await stopFor(new MigratorError('ENODEV', 42, 'node 3 is offline'), identity, watch);
  assert.deepEqual([own.code, own.detail], ['ENODEV', 'node 3 is offline']);
  assert.equal((await stopFor(new Error('odd'), identity, watch)).code, 'EIO');
});

test('a query that failed before anything was sent becomes the error the caller sees', async () => {
  const halted = await notStartedError(new SurveyHalted(), identity, gone(null));
  assert.deepEqual([halted.code, halted.message], ['ABORTED', 'move cancelled before any page was moved']);
  const exited = await notStartedError(errno('ESRCH'), identity, gone(null));
  assert.deepEqual([exited.code, exited.message], ['ESRCH', 'process 42 exited before any page was moved']);
  assert.equal((exited.cause as Error).message, 'ESRCH');
});
