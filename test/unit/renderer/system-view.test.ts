/** The system view's model: filtering, kernel threads, sorting both ways, the node bar's parts, and the URL naming a process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OverviewProcess } from '../../../app/common/system-overview.js';
import { pidFromSearch, searchForProcess, startFromSearch } from '../../../app/renderer/model/processes.js';
import { barParts, nextProcessSort, processRows, type ProcessSort } from '../../../app/renderer/model/system-view.js';

function row(pid: number, comm: string, args: string, rss: number, extra: Partial<OverviewProcess> = {}): OverviewProcess {
  return { pid, comm, startTime: pid, args, user: 'postgres', rss, kernelThread: false, readable: true, reason: null, nodeBytes: { 0: rss }, locality: 1, ...extra };
}

const LIST = [
  row(4100, 'postgres', 'postgres: checkpointer', 70),
  row(4101, 'postgres', 'postgres: walwriter', 170, { locality: 0.3 }),
  row(4102, 'postgres', 'postgres -D /var/lib/pg', 3000, { locality: null, nodeBytes: null, readable: false, reason: 'past the limit' }),
  row(2, 'kthreadd', '', 0, { kernelThread: true, user: 'root', nodeBytes: null, locality: null }),
  row(900, 'redis-server', '/usr/bin/redis-server *:6379', 500, { user: 'redis' }),
];

function pids(sort: ProcessSort, query = '', kernelThreads = false): number[] {
  return processRows(LIST, { query, kernelThreads, sort }).map((p) => p.pid);
}

test('the filter looks in pid, name, arguments and user; every term must match; kernel threads only when asked', () => {
  const rss: ProcessSort = { column: 'rss', direction: 'descending' };
  assert.deepEqual(pids(rss, 'walwriter'), [4101]);
  assert.deepEqual(pids(rss, 'POSTGRES checkpointer'), [4100]);
  assert.deepEqual(pids(rss, 'redis'), [900]);
  assert.deepEqual(pids(rss, '410'), [4102, 4101, 4100]);
  assert.deepEqual(pids(rss), [4102, 900, 4101, 4100]);
  assert.deepEqual(pids(rss, '', true), [4102, 900, 4101, 4100, 2]);
});

test('every column sorts both ways; missing values go last either way', () => {
  assert.deepEqual(pids({ column: 'pid', direction: 'ascending' }), [900, 4100, 4101, 4102]);
  assert.deepEqual(pids({ column: 'args', direction: 'ascending' }), [900, 4102, 4100, 4101]);
  assert.deepEqual(pids({ column: 'user', direction: 'descending' }), [900, 4100, 4101, 4102]);
  assert.deepEqual(pids({ column: 'locality', direction: 'ascending' }), [4101, 900, 4100, 4102]);
  assert.deepEqual(pids({ column: 'locality', direction: 'descending' }), [900, 4100, 4101, 4102]);
  assert.deepEqual(pids({ column: 'nodes', direction: 'descending' }), [900, 4101, 4100, 4102]);
  assert.deepEqual(pids({ column: 'comm', direction: 'descending' }), [900, 4100, 4101, 4102]);
  assert.deepEqual(nextProcessSort({ column: 'rss', direction: 'descending' }, 'rss'), { column: 'rss', direction: 'ascending' });
  assert.deepEqual(nextProcessSort({ column: 'rss', direction: 'descending' }, 'comm'), { column: 'comm', direction: 'ascending' });
  assert.deepEqual(nextProcessSort({ column: 'comm', direction: 'ascending' }, 'locality'), { column: 'locality', direction: 'descending' });
});

test('the node bar follows the panel order, leaves out empty nodes and puts unknown nodes last', () => {
  assert.deepEqual(barParts({ 3: 100, 1: 300, 0: 0, 7: 100 }, [0, 1, 3]), [
    { node: 1, bytes: 300, share: 0.6 },
    { node: 3, bytes: 100, share: 0.2 },
    { node: 7, bytes: 100, share: 0.2 },
  ]);
});

test('the URL names a process by pid and start time, keeping the token and interval', () => {
  const search = searchForProcess('?token=abc&interval=500', { pid: 4242, startTime: 98765 });
  assert.equal(search, '?token=abc&interval=500&pid=4242&start=98765');
  assert.equal(pidFromSearch(search), 4242);
  assert.equal(startFromSearch(search), 98765);
  assert.equal(searchForProcess(search, null), '?token=abc&interval=500');
  assert.equal(searchForProcess('?pid=1&start=2', null), '');
  assert.equal(searchForProcess('?token=t&pid=1&start=2', { pid: 7, startTime: 8 }), '?token=t&pid=7&start=8');
  assert.deepEqual(['?start=12', '?start=-1', '?start=x', '?pid=1'].map(startFromSearch), [12, null, null, null]);
});
