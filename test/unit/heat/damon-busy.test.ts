/** DAMON's sysfs files answer EBUSY while another accessor holds their lock; every access rides it out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryWhileBusy } from '../../../app/main/heat/damon.js';

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: resource busy or locked, read`), { code });
}

test('an access that is busy a few times is retried until it answers', () => {
  let calls = 0;
  const value = retryWhileBusy(() => {
    calls++;
    if (calls < 4) throw errnoError('EBUSY');
    return 'on';
  });
  assert.equal(value, 'on');
  assert.equal(calls, 4);
});

test('any other error is thrown at once, without retrying', () => {
  let calls = 0;
  assert.throws(
    () =>
      retryWhileBusy(() => {
        calls++;
        throw errnoError('ENOENT');
      }),
    /ENOENT/,
  );
  assert.equal(calls, 1);
});

test('a file busy for longer than the retry window gives up with EBUSY', () => {
  const started = Date.now();
  assert.throws(
    () =>
      retryWhileBusy(() => {
        throw errnoError('EBUSY');
      }),
    /EBUSY/,
  );
  assert.ok(Date.now() - started >= 1000, 'gave up before retrying for a while');
});
