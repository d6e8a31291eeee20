/**
 * Checks made before touching a single page, so that the common mistakes (wrong pid, a node
 * that does not exist or that the process may not use, MOVE_ALL without the capability)
 * are reported in words instead of as a bare errno from the middle of a move.
 */
import { MPOL_MF_MOVE_ALL, movePages } from '../../../native/index.js';
import { formatNodeList } from '../../common/nodelist.js';
import { explainCallError } from '../../common/status-reasons.js';
import type { ProcessIdentity, Topology } from '../../common/types.js';
import { readIdentity, readStat, sameProcess } from '../proc/identity.js';
import { readStatus } from '../proc/status.js';
import { readTopology } from '../system/topology.js';
import { MigratorError, errorCode } from './errors.js';

/** PF_EXITING (include/linux/sched.h): set as soon as the task starts to exit. */
const PF_EXITING = 0x4;

function describeProcess(identity: ProcessIdentity): string {
  return `${identity.pid} (${identity.comm})`;
}

/**
 * The process as it is now; refuses when it is not the one the caller planned for (the pid was
 * reused by a later process).
 */
export async function checkIdentity(pid: number, expected?: ProcessIdentity): Promise<ProcessIdentity> {
  let identity: ProcessIdentity;
  try {
    identity = await readIdentity(pid);
  } catch (error) {
    const code = errorCode(error) ?? 'EIO';
    if (code === 'ESRCH') throw new MigratorError('ESRCH', pid, `no process with pid ${pid}${expected ? ' (it exited)' : ''}`, { cause: error });
    throw new MigratorError(code, pid, error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (expected && !sameProcess(identity, expected)) {
    throw new MigratorError(
      'IDENTITY_CHANGED',
      pid,
      `pid ${pid} now names another process (${identity.comm}, started at tick ${identity.startTime}) than the one planned for (${expected.comm}, started at tick ${expected.startTime}); refusing to move its pages`,
    );
  }
  return identity;
}

/**
 * Why the process can no longer be acted on, or null while it is there: no /proc entry, a
 * zombie, exiting, or a new process under the same pid. An exiting process makes move_pages
 * fail with EINVAL (its mm is already released) rather than ESRCH, which is why a failed call
 * is followed by this check.
 */
export async function whyGone(identity: ProcessIdentity): Promise<string | null> {
  try {
    const stat = await readStat(identity.pid);
    if (stat.startTime !== identity.startTime) return `process ${identity.pid} exited (the pid now names another process)`;
    if (stat.state === 'Z' || stat.state === 'X' || (stat.flags & PF_EXITING) !== 0) return `process ${identity.pid} exited`;
    return null;
  } catch (error) {
    return errorCode(error) === 'ESRCH' ? `process ${identity.pid} exited` : null;
  }
}

export interface NodeCheck {
  topology: Topology;
  memsAllowed: number[];
}

/**
 * Target nodes must be online with memory (else the kernel says ENODEV, or EINVAL for
 * migrate_pages) and in the process's cpuset (else EACCES, or EPERM for migrate_pages).
 */
export async function checkTargetNodes(identity: ProcessIdentity, nodes: readonly number[]): Promise<NodeCheck> {
  const pid = identity.pid;
  let topology: Topology;
  let memsAllowed: number[];
  try {
    [topology, memsAllowed] = await Promise.all([readTopology(), readStatus(pid).then((s) => s.memsAllowed)]);
  } catch (error) {
    const code = errorCode(error) ?? 'EIO';
    throw new MigratorError(code, pid, error instanceof Error ? error.message : String(error), { cause: error });
  }
  const online = topology.nodes.map((n) => n.id);
  for (const node of nodes) {
    if (!Number.isInteger(node) || node < 0) throw new MigratorError('BAD_REQUEST', pid, `bad node ${node}`);
    if (!online.includes(node)) {
      throw new MigratorError('ENODEV', pid, `node ${node} does not exist on this machine (online nodes: ${formatNodeList(online)})`);
    }
    if (!topology.withMemory.includes(node)) {
      throw new MigratorError('ENODEV', pid, `node ${node} has no memory (nodes with memory: ${formatNodeList(topology.withMemory)})`);
    }
    if (memsAllowed.length > 0 && !memsAllowed.includes(node)) {
      throw new MigratorError(
        'EACCES',
        pid,
        `process ${describeProcess(identity)} may not use node ${node}: its cpuset allows nodes ${formatNodeList(memsAllowed)} (Mems_allowed_list)`,
      );
    }
  }
  return { topology, memsAllowed };
}

/**
 * MPOL_MF_MOVE_ALL needs CAP_SYS_NICE, and the kernel checks that before anything else. Asking
 * it with a harmless request on this process (pid 0, the unmapped address 0) tells whether we
 * have it, even when no page will need moving, without guessing from capability bits (which
 * mean little inside a user namespace).
 */
export async function checkMoveAllAllowed(pid: number): Promise<void> {
  try {
    await movePages(0, BigUint64Array.of(0n), Int32Array.of(0), MPOL_MF_MOVE_ALL);
  } catch (error) {
    if (errorCode(error) === 'EPERM') {
      throw new MigratorError('EPERM', pid, `--all (MPOL_MF_MOVE_ALL) is not permitted: it needs CAP_SYS_NICE (run as root)`, { cause: error });
    }
    // Any other answer (ENODEV for a node 0 without memory, ...) came after the capability check.
  }
}

/** A whole-call failure as one line: "move_pages failed with EPERM: not permitted: ...". */
export function describeCallFailure(syscall: 'move_pages' | 'migrate_pages', code: string): string {
  return `${syscall} failed with ${code}: ${explainCallError(syscall, code)}`;
}
