/** The system overview's model: arguments, which processes get their node bytes read, and each node's biggest holders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OverviewProcess } from '../../../app/common/system-overview.js';
import type { ProcessSummary } from '../../../app/common/types.js';
import { argsOfCmdline, MAX_ARGS_LENGTH, pickNodeReads, summarizeNodes } from '../../../app/main/proc/system-overview.js';

test('cmdline arguments are joined by spaces and cut when very long', () => {
  assert.equal(argsOfCmdline('postgres\0-D\0/var/lib/pg\0'), 'postgres -D /var/lib/pg');
  assert.equal(argsOfCmdline('postgres: checkpointer '), 'postgres: checkpointer ');
  assert.equal(argsOfCmdline(''), '');
  const long = argsOfCmdline(`java\0${'x'.repeat(10_000)}\0`);
  assert.equal(long.length, MAX_ARGS_LENGTH);
  assert.ok(long.endsWith('…'));
});

function summary(pid: number, rss: number, readable = true): ProcessSummary {
  return { pid, comm: `p${pid}`, startTime: pid, rss, readable, reason: readable ? null : 'no' };
}

test('node bytes are read for the largest readable processes up to the limit', () => {
  const list = [summary(1, 50), summary(2, 500, false), summary(3, 300), summary(4, 100), summary(5, 300)];
  assert.deepEqual([...pickNodeReads(list, 3)].sort(), [3, 4, 5]);
  assert.equal(pickNodeReads(list, 100).size, 4);
});

function row(pid: number, nodeBytes: Record<number, number> | null): OverviewProcess {
  return { pid, comm: `p${pid}`, startTime: pid, args: '', user: 'root', rss: 0, kernelThread: false, readable: true, reason: null, nodeBytes, locality: null };
}

test('each node lists its total, free, what processes hold there and the biggest holders first', () => {
  const nodes = [
    { id: 0, cpus: [0], memTotal: 1000, memFree: 400, distances: [10, 20], cpuless: false, memoryTier: null },
    { id: 1, cpus: [], memTotal: 2000, memFree: 1900, distances: [20, 10], cpuless: true, memoryTier: null },
  ];
  const processes = [row(10, { 0: 100, 1: 5 }), row(11, { 0: 300 }), row(12, null), row(13, { 0: 100 }), row(14, { 1: 50 })];
  const [zero, one] = summarizeNodes({ nodes }, processes, 2);
  assert.deepEqual(zero, { id: 0, cpus: [0], memTotal: 1000, memFree: 400, processBytes: 500, top: [{ pid: 11, comm: 'p11', bytes: 300 }, { pid: 10, comm: 'p10', bytes: 100 }] });
  assert.deepEqual(one, { id: 1, cpus: [], memTotal: 2000, memFree: 1900, processBytes: 55, top: [{ pid: 14, comm: 'p14', bytes: 50 }, { pid: 10, comm: 'p10', bytes: 5 }] });
});
