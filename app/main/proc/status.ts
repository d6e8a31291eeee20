/**
 * /proc/PID/status: credentials, allowed CPUs and nodes (the cpuset), memory totals.
 */
import { parseNodeList } from '../../common/nodelist.js';
import { parseCpuList } from '../system/idlist.js';
import { ProcParseError, readProcText } from './errors.js';

export interface ProcStatus {
  name: string;
  /** e.g. "S (sleeping)" */
  state: string;
  tgid: number;
  ppid: number;
  /** Non-zero when a debugger is attached. */
  tracerPid: number;
  /** Real and effective ids. */
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  threads: number;
  /** Nodes the process may allocate on (its cpuset's mems), Mems_allowed_list. */
  memsAllowed: number[];
  cpusAllowed: number[];
  /** Bytes; 0 for kernel threads, which have no Vm* lines. */
  vmSize: number;
  vmRss: number;
  rssAnon: number;
  rssFile: number;
  rssShmem: number;
  vmSwap: number;
  hugetlbPages: number;
  capEff: bigint;
  /** Permitted capabilities: what the kernel compares when another process asks to read this one. */
  capPrm: bigint;
  /** From the Kthread line (6.x kernels); null where the kernel does not print it. */
  kernelThread: boolean | null;
}

// The kernel prints Name with seq_escape_str(ESCAPE_SPACE | ESCAPE_SPECIAL): undo the
// one-letter escapes so the name matches what the process set with prctl(PR_SET_NAME).
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', f: '\f', a: '\x07', e: '\x1b', '\\': '\\', '"': '"' };

function unescapeName(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([ntrvfae\\"]|[0-7]{3})/g, (_, code: string) =>
    code.length === 3 ? String.fromCharCode(parseInt(code, 8)) : (ESCAPES[code] ?? code),
  );
}

export function parseStatus(text: string): ProcStatus {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  const raw = (key: string): string | undefined => fields.get(key)?.trim();
  const required = (key: string): string => {
    const value = raw(key);
    if (value === undefined) throw new ProcParseError(`/proc status has no ${key} line`);
    return value;
  };
  const int = (key: string): number => {
    const value = Number(required(key));
    if (!Number.isInteger(value)) throw new ProcParseError(`/proc status: ${key} is not a number`);
    return value;
  };
  // Memory lines read "VmRSS:\t    1716 kB"; a kernel thread has none of them.
  const kb = (key: string): number => {
    const value = raw(key);
    return value === undefined ? 0 : parseInt(value, 10) * 1024;
  };
  const ids = (key: string): [number, number] => {
    const [real, effective] = required(key).split(/\s+/).map(Number);
    if (real === undefined || effective === undefined) throw new ProcParseError(`/proc status: malformed ${key} line`);
    return [real, effective];
  };
  const [uid, euid] = ids('Uid');
  const [gid, egid] = ids('Gid');
  const kthread = raw('Kthread');
  // Name keeps its inner spaces; only the tab after the colon is the separator.
  const name = fields.get('Name')?.replace(/^\t/, '') ?? '';
  return {
    name: unescapeName(name),
    state: raw('State') ?? '',
    tgid: int('Tgid'),
    ppid: int('PPid'),
    tracerPid: raw('TracerPid') === undefined ? 0 : int('TracerPid'),
    uid,
    euid,
    gid,
    egid,
    threads: int('Threads'),
    memsAllowed: parseNodeList(raw('Mems_allowed_list') ?? ''),
    cpusAllowed: parseCpuList(raw('Cpus_allowed_list') ?? ''),
    vmSize: kb('VmSize'),
    vmRss: kb('VmRSS'),
    rssAnon: kb('RssAnon'),
    rssFile: kb('RssFile'),
    rssShmem: kb('RssShmem'),
    vmSwap: kb('VmSwap'),
    hugetlbPages: kb('HugetlbPages'),
    capEff: BigInt(`0x${raw('CapEff') ?? '0'}`),
    capPrm: BigInt(`0x${raw('CapPrm') ?? '0'}`),
    kernelThread: kthread === undefined ? null : kthread === '1',
  };
}

export async function readStatus(pid: number): Promise<ProcStatus> {
  return parseStatus(await readProcText(pid, 'status'));
}
