/**
 * cgroup v2 groups in the guests, where memory and cpuset are on the v2 hierarchy (the host
 * has them on cgroup v1): `ps --cgroups` reports a group's bytes per node as the kernel's own
 * memory.numa_stat does and its allowed nodes, and a process in a cpuset limited to the last
 * node has its memory there and is refused a move elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Target } from '../helpers/target.js';
import { cli } from '../helpers/cli.js';
import { guestName, multiNode, nodes, numaMapsOf } from './support.js';

const ROOT = '/sys/fs/cgroup';
const GROUP = 'numascope-test';

interface CgroupRow {
  path: string;
  processes: number;
  nodeBytes: Record<string, number> | null;
  anonBytes: number | null;
  memsEffective: number[] | null;
}

/** anon bytes per node, read straight from the group's memory.numa_stat. */
function anonByNode(dir: string): Record<string, number> {
  const line = readFileSync(join(dir, 'memory.numa_stat'), 'utf8').split('\n').find((l) => l.startsWith('anon '));
  assert.ok(line, 'memory.numa_stat has no anon line');
  return Object.fromEntries(line.split(' ').slice(1).map((field) => {
    const [node = '', bytes = '0'] = field.slice(1).split('=');
    return [node, Number(bytes)];
  }));
}

test(`[${guestName}] a cgroup whose cpuset allows only the last node: ps --cgroups agrees with memory.numa_stat, and moves elsewhere are refused`, multiNode, async () => {
  const last = nodes[nodes.length - 1] as number;
  writeFileSync(join(ROOT, 'cgroup.subtree_control'), '+memory +cpuset');
  const dir = join(ROOT, GROUP);
  mkdirSync(dir, { recursive: true });
  let target: Target | null = null;
  try {
    writeFileSync(join(dir, 'cpuset.mems'), String(last));
    // The shell joins the group before the target starts, so all its memory is charged there.
    target = await Target.start(['--anon', '32M', '--nohuge'], { prefix: ['sh', '-c', `echo $$ > ${join(dir, 'cgroup.procs')} && exec "$0" "$@"`] });
    const region = target.region(0);
    assert.deepEqual(await numaMapsOf(target.pid, region), { [String(last)]: 8192 });
    await sleep(200);

    const run = await cli(['ps', '--cgroups', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { mount: string; groups: CgroupRow[] };
    assert.equal(report.mount, ROOT);
    const row = report.groups.find((group) => group.path === `/${GROUP}`);
    assert.ok(row, `ps --cgroups does not list /${GROUP}: ${run.stdout.slice(0, 300)}`);
    assert.equal(row.processes, 1);
    assert.ok(row.nodeBytes !== null && row.anonBytes !== null, 'no bytes per node for a group with the memory controller');
    const kernel = anonByNode(dir);
    // Both read the same counters a moment apart; the target is idle, so they agree to a page or so.
    assert.ok(Math.abs((row.anonBytes ?? 0) - Object.values(kernel).reduce((a, b) => a + b, 0)) <= 64 * 1024);
    assert.ok((row.nodeBytes[String(last)] ?? 0) >= 32 << 20, `node ${last} holds ${row.nodeBytes[String(last)]} bytes`);
    for (const node of nodes.filter((n) => n !== last)) assert.ok((kernel[String(node)] ?? 0) < 1 << 20);
    assert.deepEqual(row.memsEffective, [last]);

    // The cpuset's node is the only place its pages may go: a move to node 0 is refused before trying.
    const move = await cli(['move', String(target.pid), '--range', `0x${region.start.toString(16)}-0x${region.end.toString(16)}`, '--to', '0']);
    assert.notEqual(move.code, 0);
    assert.match(move.stderr, /cpuset|Mems_allowed/);
    assert.deepEqual(await numaMapsOf(target.pid, region), { [String(last)]: 8192 });
  } finally {
    await target?.stop();
    await sleep(100);
    rmdirSync(dir);
  }
});
