import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNodeList, parseNodeList } from '../../app/common/nodelist.js';

test('parses numactl node lists', () => {
  assert.deepEqual(
    ['0', '0-3', '0-1,3', ' 5 , 1-2 ', '', '2,2,1'].map(parseNodeList),
    [[0], [0, 1, 2, 3], [0, 1, 3], [1, 2, 5], [], [1, 2]],
  );
});

test('rejects malformed node lists with the offending part', () => {
  for (const bad of ['a', '1-', '3-1', '0,,1', '-1', '5000']) {
    assert.throws(() => parseNodeList(bad), /bad node list/);
  }
});

test('formats node lists back to the compact form', () => {
  assert.deepEqual([[0, 1, 2, 3], [0, 1, 3], [5], [], [3, 1, 2, 7]].map(formatNodeList), ['0-3', '0-1,3', '5', '', '1-3,7']);
});
