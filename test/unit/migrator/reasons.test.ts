import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errnoNumber } from '../../../native/errno.js';
import { ERRNO, errnoNameOf, explainCallError, explainPageStatus, isNotPresentStatus } from '../../../app/common/status-reasons.js';
import { parseNode, parseRanges } from '../../../app/main/cli/commands/move.js';
import { UsageError } from '../../../app/main/cli/command.js';

test('the status table agrees with this platform\'s errno numbers', () => {
  for (const [name, number] of Object.entries(ERRNO)) assert.equal(number, errnoNumber(name), name);
});

test('every per-page status the kernel writes has a plain-language reason', () => {
  const codes = ['ENOENT', 'EFAULT', 'EACCES', 'EBUSY', 'EAGAIN', 'ENOMEM', 'EIO', 'EINVAL'] as const;
  const explained = codes.map((code) => explainPageStatus(-ERRNO[code]));
  assert.deepEqual(
    explained.map((e) => e.code),
    codes,
  );
  for (const e of explained) assert.ok(e.reason.length > 20 && !e.reason.startsWith('the kernel reported'), e.code);
  assert.match(explainPageStatus(-ERRNO.EACCES).reason, /shared with another process.*--all.*CAP_SYS_NICE/);
  assert.deepEqual(explainPageStatus(2), { code: 'node', reason: 'on node 2' });
  assert.deepEqual(explainPageStatus(-999), { code: 'E999', reason: 'the kernel reported error E999' });
  assert.equal(errnoNameOf(-16), 'EBUSY');
  assert.deepEqual([-2, -14, -13, 0].map(isNotPresentStatus), [true, true, false, false]);
});

test('whole-call errors of both system calls are explained', () => {
  for (const code of ['EPERM', 'ESRCH', 'ENODEV', 'EACCES', 'EINVAL', 'EFAULT', 'ENOMEM', 'E2BIG']) {
    assert.doesNotMatch(explainCallError('move_pages', code), /failed with/, code);
  }
  for (const code of ['EPERM', 'ESRCH', 'EINVAL', 'EFAULT', 'ENOMEM']) {
    assert.doesNotMatch(explainCallError('migrate_pages', code), /failed with/, code);
  }
  assert.match(explainCallError('move_pages', 'EPERM'), /CAP_SYS_NICE/);
  assert.equal(explainCallError('move_pages', 'EXDEV'), 'move_pages failed with EXDEV');
});

test('move parses address ranges with or without 0x, comma-separated and repeated', () => {
  assert.deepEqual(parseRanges(['0x1000-0x3000,7f0000000000-7f0000200000', ' 0X10 - 0x20 ']), [
    { start: 0x1000n, end: 0x3000n },
    { start: 0x7f0000000000n, end: 0x7f0000200000n },
    { start: 0x10n, end: 0x20n },
  ]);
  for (const bad of ['0x1000', '0x3000-0x1000', 'zz-0x10', '0x10-', '1-2-3', '0x1-0x12345678901234567']) {
    assert.throws(() => parseRanges([bad]), UsageError, bad);
  }
  assert.equal(parseNode('3', '--to'), 3);
  assert.throws(() => parseNode('-1', '--to'), UsageError);
  assert.throws(() => parseNode(undefined, '--to'), /missing --to/);
});
