/** The advice rules, locality and heat accumulation, on made-up machines (pure functions). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise, type RangeNodes } from '../../../app/main/advice/advise.js';
import { locality, nodeWeights } from '../../../app/main/advice/locality.js';
import { IntervalCounter } from '../../../app/main/heat/accumulate.js';
import { parseNumaFaults, threadUse, type ThreadCpu } from '../../../app/main/proc/thread-usage.js';
import type { NumaNode } from '../../../app/common/types.js';

const GiB = 2 ** 30;
const PAGE = 4096;

function node(id: number, options: Partial<NumaNode> = {}): NumaNode {
  return { id, cpus: [id], memTotal: 8 * GiB, memFree: 6 * GiB, distances: [], cpuless: false, memoryTier: null, ...options };
}

/** Nodes with a distance table: `matrix[i][j]` from node i to node j. */
function machine(matrix: number[][], options: Partial<NumaNode>[] = []): NumaNode[] {
  return matrix.map((distances, id) => node(id, { distances, ...options[id] }));
}

function range(start: number, pages: number, heat: number, byNode: Record<number, number>, age: number | null = null): RangeNodes {
  return { start: BigInt(start), end: BigInt(start + pages * PAGE), heat, age, pagesByNode: new Map(Object.entries(byNode).map(([n, p]) => [Number(n), p])) };
}

const twoNodes = machine([
  [10, 20],
  [20, 10],
]);

test('hot pages on a node where no busy thread runs are moved to the threads node; cold and local ones are not', () => {
  const advice = advise({
    pageSize: PAGE,
    source: 'damon',
    ranges: [range(0x100000, 256, 0.9, { 1: 256 }), range(0x200000, 256, 0, { 1: 256 }, 1), range(0x300000, 256, 0.8, { 0: 256 })],
    weights: new Map([[0, 1]]),
    nodes: twoNodes,
    memsAllowed: [0, 1],
  });
  assert.equal(advice.recommendations.length, 1);
  const [first] = advice.recommendations;
  assert.equal(first?.kind, 'promote');
  assert.equal(first?.start, 0x100000n);
  assert.equal(first?.fromNode, 1);
  assert.equal(first?.toNode, 0);
  assert.equal(first?.bytes, 256 * PAGE);
});

test('recommendations rank by heat times size, and neighbours between the same nodes merge', () => {
  const advice = advise({
    pageSize: PAGE,
    source: 'soft-dirty',
    ranges: [range(0x100000, 16, 0.4, { 1: 16 }), range(0x100000 + 16 * PAGE, 16, 0.6, { 1: 16 }), range(0x900000, 64, 1, { 1: 64 })],
    weights: new Map([[0, 1]]),
    nodes: twoNodes,
    memsAllowed: [0, 1],
  });
  assert.deepEqual(
    advice.recommendations.map((item) => [item.start, item.end, item.pages, Number(item.heat.toFixed(2))]),
    [
      [0x900000n, BigInt(0x900000 + 64 * PAGE), 64, 1],
      [0x100000n, BigInt(0x100000 + 32 * PAGE), 32, 0.5],
    ],
  );
  assert.ok(advice.notes.some((note) => note.includes('writes only')));
});

test('the target is the nearest node to the busy threads that the cpuset allows and that has room', () => {
  // Four nodes: threads on 0; hot pages on 3. Node 1 is nearest but full, node 2 next.
  const nodes = machine(
    [
      [10, 12, 16, 20],
      [12, 10, 20, 16],
      [16, 20, 10, 12],
      [20, 16, 12, 10],
    ],
    [{ memFree: 0 }, { memFree: 10 * 2 ** 20 }, {}, {}],
  );
  const input = { pageSize: PAGE, source: 'damon' as const, ranges: [range(0x100000, 4096, 1, { 3: 4096 })], weights: new Map([[0, 1]]), nodes };
  assert.equal(advise({ ...input, memsAllowed: [0, 1, 2, 3] }).recommendations[0]?.toNode, 2);
  // With node 2 outside the cpuset, nothing near enough has room.
  assert.deepEqual(advise({ ...input, memsAllowed: [0, 1, 3] }).recommendations, []);
});

test('cold pages on a node with CPUs are demoted to a CPU-less node with room, with DAMON only', () => {
  const nodes = machine(
    [
      [10, 20, 30],
      [20, 10, 30],
      [30, 30, 10],
    ],
    [{}, {}, { cpus: [], cpuless: true }],
  );
  const ranges = [range(0x100000, 512, 0, { 0: 512 }, 20), range(0x400000, 512, 0.9, { 0: 512 }, 20)];
  const input = { pageSize: PAGE, ranges, weights: new Map([[0, 1]]), nodes, memsAllowed: [0, 1, 2] };
  const withDamon = advise({ ...input, source: 'damon' });
  assert.deepEqual(
    withDamon.recommendations.map((item) => [item.kind, item.start, item.fromNode, item.toNode]),
    [['demote', 0x100000n, 0, 2]],
  );
  assert.deepEqual(advise({ ...input, source: 'soft-dirty' }).recommendations, []);
  // A region DAMON joined with a little memory used once in the window is still unused; one
  // used in every twentieth check or more is not.
  const nearlyIdle = [range(0x100000, 512, 0.01, { 0: 512 }, 20), range(0x400000, 512, 0.06, { 0: 512 }, 20)];
  assert.deepEqual(
    advise({ ...input, ranges: nearlyIdle, source: 'damon' }).recommendations.map((item) => [item.kind, item.start]),
    [['demote', 0x100000n]],
  );
  // A CPU-less node in a faster tier is no place to demote to.
  const faster = nodes.map((n) => ({ ...n, memoryTier: n.cpuless ? 1 : 4 }));
  assert.deepEqual(advise({ ...input, nodes: faster, source: 'damon' }).recommendations, []);
});

test('one node: nothing to recommend, and the note says why', () => {
  const advice = advise({ pageSize: PAGE, source: 'soft-dirty', ranges: [range(0, 8, 1, { 0: 8 })], weights: new Map([[0, 1]]), nodes: [node(0, { distances: [10] })], memsAllowed: [0] });
  assert.deepEqual(advice.recommendations, []);
  assert.match(advice.notes[0] ?? '', /one NUMA node/);
});

test('locality weighs each node by its CPU time; an idle process counts its threads alike', () => {
  const cpu = (tid: number, ticks: number, lastCpu: number): ThreadCpu => ({ tid, comm: 't', ticks, lastCpu, numaFaults: null });
  const cpuToNode = new Map([
    [0, 0],
    [1, 1],
  ]);
  const busy = threadUse([cpu(1, 100, 0), cpu(2, 100, 1)], [cpu(1, 400, 0), cpu(2, 200, 1)], cpuToNode);
  assert.deepEqual(
    busy.map((t) => [t.cpuSeconds, t.share, t.node]),
    [
      [3, 0.75, 0],
      [1, 0.25, 1],
    ],
  );
  const weights = nodeWeights(busy);
  assert.equal(weights.basis, 'cpu-time');
  const pages = new Map([
    [0, 100],
    [1, 300],
  ]);
  // 100/400 on node 0 (weight 0.75) + 300/400 on node 1 (weight 0.25).
  assert.equal(locality(pages, weights.weights), 0.25 * 0.75 + 0.75 * 0.25);
  const idle = nodeWeights(threadUse([cpu(1, 5, 0), cpu(2, 5, 1), cpu(3, 5, 1)], [cpu(1, 5, 0), cpu(2, 5, 1), cpu(3, 5, 1)], cpuToNode));
  assert.equal(idle.basis, 'threads');
  assert.ok(Math.abs((idle.weights.get(1) ?? 0) - 2 / 3) < 1e-12);
  assert.equal(locality(new Map(), weights.weights), null);
});

test('numa_faults lines of a sched file add up per node', () => {
  const text = 'current_node=0, numa_group_id=0\nnuma_faults node=0 task_private=3 task_shared=4 group_private=0 group_shared=0\nnuma_faults node=1 task_private=10 task_shared=0 group_private=0 group_shared=0\n';
  assert.deepEqual([...(parseNumaFaults(text) ?? [])], [
    [0, 7],
    [1, 10],
  ]);
  assert.equal(parseNumaFaults('se.exec_start : 1\n'), null);
});

test('heat is the share of intervals a stretch was used, weighted runs for DAMON', () => {
  const counter = new IntervalCounter();
  counter.add([[10, 20]]);
  counter.add([
    [10, 12],
    [30, 31],
  ]);
  counter.add([]);
  counter.add([[10, 20]], [0.5]);
  const ranges = counter.ranges(PAGE).map((r) => [Number(r.start) / PAGE, Number(r.end) / PAGE, r.heat]);
  assert.deepEqual(ranges, [
    [10, 12, 2.5 / 4],
    [12, 20, 1.5 / 4],
    [30, 31, 1 / 4],
  ]);
  assert.equal(counter.samples, 4);
});
