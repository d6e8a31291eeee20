import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestOption } from '../../../app/main/cli/command.js';
import { terminalSafe } from '../../../app/main/cli/format.js';

test('terminalSafe escapes C0, DEL, C1 and the Unicode controls that reorder or break lines', () => {
  assert.equal(terminalSafe('plain name: ok/ü'), 'plain name: ok/ü');
  assert.equal(terminalSafe('\x1b]0;t\x07\n\t\x7f\x9b'), '\\x1b]0;t\\x07\\x0a\\x09\\x7f\\x9b');
  assert.equal(terminalSafe('a\u202eb\u2066c\u2028d'), 'a\\u{202e}b\\u{2066}c\\u{2028}d');
});

test('closestOption suggests a near or completed option, and nothing for a far one', () => {
  const known = ['range', 'to', 'all', 'json', 'expect-start'];
  assert.deepEqual(
    ['rang', 'jsn', 'al', 'expect-strat', 'frobnicate', 'x'].map((typed) => closestOption(typed, known)),
    ['range', 'json', 'all', 'expect-start', null, null],
  );
});
