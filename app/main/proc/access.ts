/**
 * Whether numascope can look at a process's memory, and if not, the real reason: no such
 * process, a kernel thread, a zombie, or which of the kernel's ptrace access rules refused.
 * The command line and the service both report these words.
 */
import { open, readFile } from 'node:fs/promises';
import { ProcError, procPath, toProcError } from './errors.js';
import { readStat, type ProcStat } from './identity.js';
import { parseStatus, readStatus, type ProcStatus } from './status.js';

export function kernelThreadMessage(pid: number): string {
  return `pid ${pid} is a kernel thread: it has no user memory`;
}

export function zombieMessage(pid: number, comm: string): string {
  return `pid ${pid} (${comm}) is a zombie: it has exited and has no memory left (its parent has not reaped it yet)`;
}

/** include/uapi/linux/capability.h, by bit number. */
const CAPABILITY_NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

const CAP_SYS_PTRACE = 19n;

export function capabilityNames(mask: bigint): string[] {
  const names: string[] = [];
  for (let bit = 0n; mask >> bit !== 0n; bit++) {
    if (((mask >> bit) & 1n) === 1n) names.push(`CAP_${CAPABILITY_NAMES[Number(bit)] ?? Number(bit)}`);
  }
  return names;
}

let ownStatus: Promise<ProcStatus | null> | undefined;

function readOwnStatus(): Promise<ProcStatus | null> {
  ownStatus ??= readFile('/proc/self/status', 'utf8').then(parseStatus, () => null);
  return ownStatus;
}

/** The active security modules, when securityfs is mounted; null when it cannot be known. */
async function activeSecurityModules(): Promise<string | null> {
  try {
    const text = (await readFile('/sys/kernel/security/lsm', 'utf8')).trim();
    return text === '' ? null : text.split(',').join(', ');
  } catch {
    return null;
  }
}

/**
 * Why the kernel refused to let this process read pid's memory, following the order of its
 * checks (kernel/ptrace.c __ptrace_may_access, then security/commoncap.c): without
 * CAP_SYS_PTRACE the uids must match, the target must be dumpable, and it may not hold
 * capabilities we lack; with CAP_SYS_PTRACE all of that passes, so a refusal can only come
 * from a security module.
 */
export async function accessDeniedCause(pid: number): Promise<string> {
  const [self, target] = await Promise.all([readOwnStatus(), readStatus(pid).catch(() => null)]);
  if (self && ((self.capEff >> CAP_SYS_PTRACE) & 1n) === 1n) {
    const modules = await activeSecurityModules();
    return `denied even with CAP_SYS_PTRACE: a Linux security module forbids it (${modules === null ? 'Landlock, SELinux, AppArmor or a BPF program' : `active here: ${modules}`})`;
  }
  const uid = self?.uid ?? process.getuid?.();
  if (target && (target.uid !== uid || target.euid !== uid)) return `owned by uid ${target.euid === uid ? target.uid : target.euid}; needs root or CAP_SYS_PTRACE`;
  const lacking = target && self ? target.capPrm & ~self.capPrm : 0n;
  if (lacking !== 0n) return `holds capabilities this process lacks (${capabilityNames(lacking).join(', ')}); needs CAP_SYS_PTRACE`;
  // Same uid and no extra capabilities: the kernel treats non-dumpable processes as privileged.
  return 'not dumpable (setuid, file capabilities or prctl); needs root or CAP_SYS_PTRACE';
}

/**
 * Opening maps runs the kernel's ptrace access check (PTRACE_MODE_READ), so a successful open
 * answers the question without reading anything. Null when readable, else the error.
 */
export async function probeReadable(pid: number): Promise<ProcError | null> {
  try {
    const handle = await open(procPath(pid, 'maps'), 'r');
    await handle.close();
    return null;
  } catch (error) {
    return toProcError(error, pid, procPath(pid, 'maps'));
  }
}

/**
 * The process as /proc/PID/stat describes it, once it is known to have user memory that this
 * process may read; otherwise a ProcError whose message names the real cause.
 */
export async function requireInspectable(pid: number): Promise<ProcStat> {
  const stat = await readStat(pid);
  if (stat.kernelThread) throw new ProcError('EINVAL', pid, kernelThreadMessage(pid));
  if (stat.state === 'Z' || stat.state === 'X') throw new ProcError('ESRCH', pid, zombieMessage(pid, stat.comm));
  const denied = await probeReadable(pid);
  if (denied === null) return stat;
  if (denied.code !== 'EACCES' && denied.code !== 'EPERM') throw denied;
  const cause = await accessDeniedCause(pid);
  throw new ProcError(denied.code, pid, `may not read the memory of pid ${pid} (${stat.comm}): ${cause}`, { cause: denied });
}
