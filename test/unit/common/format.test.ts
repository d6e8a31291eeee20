import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, isHexAddress, parseHexAddress } from '../../../app/common/address.js';
import { formatBytes, formatBytesInColumn, formatCount, formatExactBytes, plural } from '../../../app/common/format.js';
import { formatSize, formatCount as cliCount, hex as cliHex } from '../../../app/main/cli/format.js';
import { formatBytes as viewBytes, formatCount as viewCount, hex as viewHex, parseAddress } from '../../../app/renderer/model/format.js';

test('the CLI, the views and the snapshot text share one formatter for each purpose', () => {
  assert.equal(formatSize, formatBytesInColumn);
  assert.equal(cliCount, formatCount);
  assert.equal(viewCount, formatCount);
  assert.equal(viewBytes, formatBytes);
  assert.equal(cliHex, hex);
  assert.equal(viewHex, hex);
});

test('counts read as toLocaleString(\'en-US\') wrote them for the CLI', () => {
  for (const n of [0, 7, 999, 1000, 4096, 1234567, 2 ** 40, -4096]) assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
});

test('a count takes the singular for one and the plural for everything else', () => {
  assert.deepEqual([0, 1, 2, 1234].map((n) => plural(n, 'region')), ['0 regions', '1 region', '2 regions', '1,234 regions']);
  assert.deepEqual([1, 3].map((n) => plural(n, 'process', 'processes')), ['1 process', '3 processes']);
  assert.equal(plural(-1, 'page'), '-1 page');
});

test('table sizes keep one decimal, prose sizes drop it, limits stay exact', () => {
  assert.deepEqual([512, 1536, 16 * 2 ** 20, 123.4 * 2 ** 30, -4096].map(formatBytesInColumn), ['512 B', '1.5 KiB', '16.0 MiB', '123 GiB', '-4.0 KiB']);
  assert.deepEqual([512, 1536, 16 * 2 ** 20].map(formatBytes), ['512 B', '1.5 KiB', '16 MiB']);
  assert.deepEqual([1000, 1024, 256 * 2 ** 20, 1536].map(formatExactBytes), ['1000 bytes', '1 KiB', '256 MiB', '1536 bytes']);
});

test('addresses are "0x" and at most 16 hex digits everywhere', () => {
  assert.equal(hex(0x7f3a40000000n), '0x7f3a40000000');
  assert.equal(parseHexAddress('0xFFFFFFFFFFFFFFFF'), 2n ** 64n - 1n);
  assert.equal(parseAddress, parseHexAddress);
  for (const bad of ['7f00', '0x', '0x12345678901234567', ' 0x10']) {
    assert.equal(isHexAddress(bad), false, bad);
    assert.throws(() => parseHexAddress(bad), /not a hex address/, bad);
  }
});
