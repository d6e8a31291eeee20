import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCmdline, parseStat, sameProcess } from '../../../app/main/proc/identity.js';

// A real line from this host with comm replaced by one that would fool a split at the first ')'.
const TRICKY =
  '4790 ((a) b)) R 4785 4785 4104 0 -1 4194304 103 0 7 0 11 3 0 0 20 0 3 0 20710 3133440 389 18446744073709551615 ' +
  '94247111430144 94247111450025 140729616736752 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94247111466032 94247111467648 ' +
  '94247866540032 140729616743138 140729616743158 140729616743158 140729616744427 0\n';

test('parseStat splits at the last ) so comm may hold spaces and parentheses', () => {
  assert.deepEqual(parseStat(TRICKY), {
    pid: 4790,
    comm: '(a) b)',
    state: 'R',
    ppid: 4785,
    flags: 4194304,
    minorFaults: 103,
    majorFaults: 7,
    utime: 11,
    stime: 3,
    numThreads: 3,
    startTime: 20710,
    vsize: 3133440,
    rssPages: 389,
    lastCpu: 1,
    kernelThread: false,
  });
});

test('parseStat recognises kernel threads by PF_KTHREAD', () => {
  const kthreadd = '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 22 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0';
  const stat = parseStat(kthreadd);
  assert.equal(stat.kernelThread, true);
  assert.equal(stat.comm, 'kthreadd');
  assert.equal(stat.startTime, 22);
  assert.equal(stat.lastCpu, 0);
});

test('parseStat rejects text that is not a stat line', () => {
  assert.throws(() => parseStat('garbage'), /malformed stat line/);
  assert.throws(() => parseStat('12 (x) S notanumber'), /malformed stat line/);
});

test('parseCmdline splits on NUL and drops the trailing NUL', () => {
  assert.deepEqual(
    ['', 'node\0/tmp/a b.mjs\0', 'nginx: worker process', 'a\0\0b\0'].map(parseCmdline),
    [[], ['node', '/tmp/a b.mjs'], ['nginx: worker process'], ['a', '', 'b']],
  );
});

test('sameProcess needs the same pid and the same start time', () => {
  const a = { pid: 10, comm: 'a', cmdline: ['a'], startTime: 500 };
  assert.equal(sameProcess(a, { ...a, comm: 'renamed' }), true);
  assert.equal(sameProcess(a, { ...a, startTime: 501 }), false);
  assert.equal(sameProcess(a, { ...a, pid: 11 }), false);
});
