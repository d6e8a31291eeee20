/**
 * Checks made before touching a single page, so that the common mistakes (wrong pid, a node
 * that does not exist or that the process may not use, MOVE_ALL without the capability)
 * are reported in words instead of as a bare errno from the middle of a move.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { MPOL_MF_MOVE_ALL, movePages } from '../../../native/index.js';
import { formatNodeList, parseNodeList } from '../../common/nodelist.js';
import { explainCallError } from '../../common/status-reasons.js';
import type { ProcessIdentity } from '../../common/types.js';
import { readIdentity, readStat, sameProcess, type ProcStat } from '../proc/identity.js';
import { readStatus } from '../proc/status.js';
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
    return describeGone(identity, await readStat(identity.pid));
  } catch (error) {
    return errorCode(error) === 'ESRCH' ? `process ${identity.pid} exited` : null;
  }
}

/**
 * whyGone without leaving the thread: one small read of /proc/PID/stat, which the kernel
 * answers from memory without blocking. The executor asks before every move call (a pid
 * reused between two calls must not have its pages moved), and an asynchronous read costs a
 * thread-pool round trip per open, stat, read and close: under emulation (the QEMU guests of
 * test/numa) that was 15 ms a call against 0.3 ms for this.
 */
export function whyGoneNow(identity: ProcessIdentity): string | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${identity.pid}/stat`, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    return code === 'ENOENT' || code === 'ESRCH' ? `process ${identity.pid} exited` : null;
  }
  // Only state (field 3), flags (9) and the start time (22): the full parse of fifty-odd
  // fields, before every call, showed under emulation. comm may hold ") ", so split after the
  // last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ', 20);
  const [state, flags, startTime] = [fields[0] ?? '', Number(fields[6]), Number(fields[19])];
  if (!Number.isFinite(flags) || !Number.isFinite(startTime)) return null;
  return describeGone(identity, { state, flags, startTime });
}

function describeGone(identity: ProcessIdentity, stat: Pick<ProcStat, 'state' | 'flags' | 'startTime'>): string | null {
  if (stat.startTime !== identity.startTime) return `process ${identity.pid} exited (the pid now names another process)`;
  if (stat.state === 'Z' || stat.state === 'X' || (stat.flags & PF_EXITING) !== 0) return `process ${identity.pid} exited`;
  return null;
}

export interface NodeCheck {
  /** Online nodes, ascending. */
  online: number[];
  /** Of those, the nodes with memory. */
  withMemory: number[];
  /** The process's Mems_allowed_list. */
  memsAllowed: number[];
}

async function readSysText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/**
 * What the target-node check needs to know. Two small sysfs files answer it, read the way
 * readTopology reads them (no node directory: a kernel without CONFIG_NUMA, one node 0), rather
 * than the whole topology with every node's meminfo and distances, which is several times the
 * reads for nothing this check looks at.
 */
export async function readNodeFacts(pid: number): Promise<NodeCheck> {
  const nodeDir = '/sys/devices/system/node';
  try {
    const [onlineText, hasMemoryText, memsAllowed] = await Promise.all([
      readSysText(`${nodeDir}/online`),
      readSysText(`${nodeDir}/has_memory`),
      readStatus(pid).then((s) => s.memsAllowed),
    ]);
    const online = onlineText === null ? [0] : parseNodeList(onlineText);
    const withMemory = onlineText === null ? [0] : hasMemoryText === null ? online : parseNodeList(hasMemoryText).filter((id) => online.includes(id));
    return { online, withMemory, memsAllowed };
  } catch (error) {
    const code = errorCode(error) ?? 'EIO';
    throw new MigratorError(code, pid, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/**
 * Target nodes must be online with memory (else the kernel says ENODEV, or EINVAL for
 * migrate_pages) and in the process's cpuset (else EACCES, or EPERM for migrate_pages).
 */
export function judgeTargetNodes(identity: ProcessIdentity, facts: NodeCheck, nodes: readonly number[]): NodeCheck {
  const pid = identity.pid;
  const { online, withMemory, memsAllowed } = facts;
  for (const node of nodes) {
    if (!Number.isInteger(node) || node < 0) throw new MigratorError('BAD_REQUEST', pid, `bad node ${node}`);
    if (!online.includes(node)) {
      throw new MigratorError('ENODEV', pid, `node ${node} does not exist on this machine (online nodes: ${formatNodeList(online)})`);
    }
    if (!withMemory.includes(node)) {
      throw new MigratorError('ENODEV', pid, `node ${node} has no memory (nodes with memory: ${formatNodeList(withMemory)})`);
    }
    if (memsAllowed.length > 0 && !memsAllowed.includes(node)) {
      throw new MigratorError(
        'EACCES',
        pid,
        `process ${describeProcess(identity)} may not use node ${node}: its cpuset allows nodes ${formatNodeList(memsAllowed)} (Mems_allowed_list)`,
      );
    }
  }
  return facts;
}

/** readNodeFacts, then judgeTargetNodes. */
export async function checkTargetNodes(identity: ProcessIdentity, nodes: readonly number[]): Promise<NodeCheck> {
  return judgeTargetNodes(identity, await readNodeFacts(identity.pid), nodes);
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
