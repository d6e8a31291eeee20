import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARTS, parseArgs, readOptions, UsageError } from '../../../bench/cli.js';

function messageOf(argv: string[]): string {
  try {
    parseArgs(argv, {});
  } catch (error) {
    assert.ok(error instanceof UsageError);
    return error.message;
  }
  return 'no error';
}

test('the scan benchmark: defaults, --quick (flag or environment), and each option', () => {
  assert.deepEqual(parseArgs([], {}), { quick: false, rounds: 5, sweepRounds: 3, seconds: 10, parts: [...PARTS], json: null, strict: false, help: false });
  assert.deepEqual(parseArgs([], { NUMASCOPE_BENCH_QUICK: '1' }), parseArgs(['--quick'], {}));
  assert.deepEqual(parseArgs(['--quick'], {}), { quick: true, rounds: 3, sweepRounds: 1, seconds: 3, parts: [...PARTS], json: null, strict: false, help: false });
  assert.deepEqual(
    parseArgs(['--rounds', '7', '--sweep-rounds', '0', '--seconds', '2', '--only', 'thp,dense', '--json', 'out.json', '--strict', '-h'], {}),
    { quick: false, rounds: 7, sweepRounds: 0, seconds: 2, parts: ['thp', 'dense'], json: 'out.json', strict: true, help: true },
  );
  assert.equal(parseArgs(['--no-sweep'], {}).sweepRounds, 0);
  assert.equal(parseArgs(['--help'], {}).help, true);
  assert.equal(parseArgs(['--rounds', '2', '--rounds', '4'], {}).rounds, 4, 'the last one counts');
});

test('the scan benchmark: bad command lines say what is wrong', () => {
  assert.deepEqual(
    [
      ['--rounds', '0'],
      ['--rounds'],
      ['--sweep-rounds', '-1'],
      ['--seconds', 'x'],
      ['--json'],
      ['--only', 'dense,nope'],
      ['--only', ''],
      ['--frobnicate'],
      ['dense'],
      ['-x'],
    ].map(messageOf),
    [
      '--rounds wants an integer >= 1',
      '--rounds wants an integer >= 1',
      '--sweep-rounds wants an integer >= 0',
      '--seconds wants an integer >= 1',
      '--json wants a file name',
      `--only wants some of ${PARTS.join(',')}`,
      `--only wants some of ${PARTS.join(',')}`,
      'unknown option --frobnicate (see --help)',
      'unknown option dense (see --help)',
      'unknown option -x (see --help)',
    ],
  );
});

test('readOptions names what it does not know, with the hint it is given', () => {
  assert.deepEqual({ ...readOptions(['--a', 'x', '--b'], { a: { type: 'string' }, b: { type: 'boolean' } }) }, { a: 'x', b: true });
  assert.throws(() => readOptions(['--c'], {}, ''), { name: 'UsageError', message: 'unknown option --c' });
  assert.throws(() => readOptions(['--'], {}), { name: 'UsageError', message: 'unknown option -- (see --help)' });
});
