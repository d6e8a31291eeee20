/** The four-node stand-in server's system view: the processes of its process list with their node bytes, and a few cgroups. */
import type { ProcessIdentity, Topology } from '../../app/common/types.js';
import type { OverviewProcess, SystemOverview } from '../../app/common/system-overview.js';
import { summarizeNodes } from '../../app/main/proc/system-overview.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

function row(pid: number, comm: string, args: string, user: string, nodeBytes: Record<number, number> | null, locality: number | null): OverviewProcess {
  const rss = nodeBytes === null ? 12 * MIB : Object.values(nodeBytes).reduce((a, b) => a + b, 0);
  return { pid, comm, startTime: 100 + pid, args, user, rss, kernelThread: false, readable: nodeBytes !== null, reason: nodeBytes === null ? 'owned by root: reading its pages needs root or CAP_SYS_PTRACE' : null, nodeBytes, locality };
}

export function fakeOverview(identity: ProcessIdentity, topology: Topology): SystemOverview {
  const workers = ['checkpointer', 'background writer', 'walwriter', 'autovacuum launcher', 'logical replication launcher'].map((role, i) =>
    row(4100 + i, 'postgres', `postgres: ${role}`, 'postgres', { 0: (60 + 20 * i) * MIB, 1: (10 + 30 * i) * MIB }, i % 2 === 0 ? 0.8 : 0.3),
  );
  const processes: OverviewProcess[] = [
    row(1, 'systemd', '/sbin/init splash', 'root', null, null),
    { pid: 2, comm: 'kthreadd', startTime: 2, args: '', user: 'root', rss: 0, kernelThread: true, readable: false, reason: 'kernel thread (no user memory)', nodeBytes: null, locality: null },
    { ...row(identity.pid, identity.comm, identity.cmdline.join(' '), 'postgres', { 0: 1.2 * GIB, 1: 0.9 * GIB, 2: 0.6 * GIB, 3: 0.3 * GIB }, 0.7), startTime: identity.startTime },
    ...workers,
    row(5200, 'redis-server', '/usr/bin/redis-server 127.0.0.1:6379', 'redis', { 1: 700 * MIB, 3: 200 * MIB }, 0.78),
    row(5300, 'java', `java -Xmx8g -cp ${'/opt/app/lib/a.jar:'.repeat(20)}/opt/app/app.jar com.example.Main`, 'app', { 0: 300 * MIB, 2: 1.5 * GIB }, 0.17),
  ];
  return {
    takenAt: Date.now(),
    readMs: 12,
    nodes: summarizeNodes(topology, processes),
    processes,
    nodeReadLimit: 2000,
    unreadPastLimit: 0,
    cgroups: {
      mount: '/sys/fs/cgroup',
      note: null,
      groups: [
        { path: '/system.slice/postgresql.service', processes: 6, nodeBytes: { 0: 1.6 * GIB, 1: 1.1 * GIB, 2: 0.6 * GIB, 3: 0.3 * GIB }, anonBytes: 3 * GIB, fileBytes: 0.6 * GIB, memsEffective: [0, 1, 2, 3] },
        { path: '/system.slice/redis.service', processes: 1, nodeBytes: { 1: 700 * MIB, 3: 200 * MIB }, anonBytes: 850 * MIB, fileBytes: 50 * MIB, memsEffective: [1, 3] },
        { path: '/user.slice/user-1000.slice/session-2.scope', processes: 14, nodeBytes: { 0: 2.1 * GIB }, anonBytes: 1.5 * GIB, fileBytes: 0.6 * GIB, memsEffective: [0] },
      ],
    },
  };
}
