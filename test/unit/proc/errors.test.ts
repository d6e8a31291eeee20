import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcError, toProcError } from '../../../app/main/proc/errors.js';
import { parseStatmResident } from '../../../app/main/proc/list.js';

function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed`), { code });
}

test('toProcError maps fs errors on /proc/PID to errno-named ProcErrors', () => {
  const gone = toProcError(fsError('ENOENT'), 4242, '/proc/4242/maps');
  assert.ok(gone instanceof ProcError);
  assert.deepEqual([gone.code, gone.pid, gone.message], ['ESRCH', 4242, 'no process with pid 4242']);
  const denied = toProcError(fsError('EACCES'), 1, '/proc/1/maps');
  assert.equal(denied.code, 'EACCES');
  assert.match(denied.message, /^cannot read \/proc\/1\/maps: permission denied; .*same uid or CAP_SYS_PTRACE/);
  assert.equal(toProcError(fsError('EPERM'), 1).code, 'EPERM');
  assert.equal(toProcError(fsError('EIO'), 1).code, 'EIO');
  assert.equal(toProcError(denied, 7), denied);
});

test('parseStatmResident takes field 2', () => {
  assert.deepEqual(['765 436 408 5 0 123 0\n', '0 0 0 0 0 0 0\n'].map(parseStatmResident), [436, 0]);
});
