/**
 * /proc/PID/maps: the process's virtual memory areas, with a readable name and a kind for
 * each. Addresses are bigint: user addresses on 64-bit reach 2^47 (2^56 with 5-level
 * paging) and [vsyscall] sits at 0xffffffffff600000, beyond a double's 2^53.
 */
import type { Vma, VmaKind } from '../../common/types.js';
import { ProcParseError, readProcText } from './errors.js';

export interface MapsOptions {
  /** Mount points of hugetlbfs file systems (see parseHugetlbMounts); files under them are 'hugetlb'. */
  hugetlbMounts?: readonly string[];
}

const DELETED = ' (deleted)';

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function underMount(path: string, mounts: readonly string[]): boolean {
  return mounts.some((mount) => path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`));
}

/** A readable name and a kind for the path field of a maps line. */
export function classifyPath(path: string, hugetlbMounts: readonly string[] = []): { name: string; kind: VmaKind } {
  if (path === '') return { name: 'anonymous', kind: 'anon' };
  if (path.startsWith('[')) {
    switch (path) {
      case '[heap]':
        return { name: path, kind: 'heap' };
      case '[stack]':
        return { name: path, kind: 'stack' };
      case '[vdso]':
        return { name: path, kind: 'vdso' };
      // [vvar_vclock] split out of [vvar] in 6.13.
      case '[vvar]':
      case '[vvar_vclock]':
        return { name: path, kind: 'vvar' };
      case '[vsyscall]':
        return { name: path, kind: 'vsyscall' };
    }
    // Before 4.5 the kernel named each thread's stack [stack:TID].
    if (path.startsWith('[stack:')) return { name: path, kind: 'thread-stack' };
    // prctl(PR_SET_VMA_ANON_NAME) names: [anon:NAME] private, [anon_shmem:NAME] shared.
    if (path.startsWith('[anon:')) return { name: path, kind: 'named-anon' };
    if (path.startsWith('[anon_shmem:')) return { name: path, kind: 'shmem' };
    return { name: path, kind: 'special' };
  }
  if (!path.startsWith('/')) return { name: path, kind: 'special' };
  const deleted = path.endsWith(DELETED);
  const live = deleted ? path.slice(0, -DELETED.length) : path;
  // MAP_SHARED|MAP_ANONYMOUS is backed by an unlinked shmem file the kernel calls /dev/zero.
  if (live === '/dev/zero' && deleted) return { name: 'shared anonymous', kind: 'shmem' };
  // MAP_HUGETLB without a file lives on the kernel's internal hugetlbfs mount.
  if (live === '/anon_hugepage') return { name: 'anon_hugepage', kind: 'hugetlb' };
  if (underMount(live, hugetlbMounts)) return { name: basename(path), kind: 'hugetlb' };
  // SysV shm segments and memfd_create files: shmem with no path anyone can open.
  if (live.startsWith('/SYSV') || live.startsWith('/memfd:')) return { name: live.slice(1), kind: 'shmem' };
  // POSIX shm_open objects are files on the /dev/shm tmpfs: shared memory, not a file on disk.
  if (live.startsWith('/dev/shm/')) return { name: basename(path), kind: 'shmem' };
  return { name: basename(path), kind: 'file' };
}

function hex(text: string, line: string): bigint {
  if (text === '') throw new ProcParseError(`malformed maps line: ${JSON.stringify(line)}`);
  return BigInt(`0x${text}`);
}

/** Parses one maps line ("start-end perms offset dev inode   path"); the path may hold spaces. */
export function parseMapsLine(line: string, hugetlbMounts: readonly string[] = []): Vma {
  const dash = line.indexOf('-');
  const s1 = line.indexOf(' ', dash);
  const s2 = line.indexOf(' ', s1 + 1);
  const s3 = line.indexOf(' ', s2 + 1);
  const s4 = line.indexOf(' ', s3 + 1);
  let s5 = line.indexOf(' ', s4 + 1);
  if (dash < 0 || s1 < 0 || s2 < 0 || s3 < 0 || s4 < 0) throw new ProcParseError(`malformed maps line: ${JSON.stringify(line)}`);
  if (s5 < 0) s5 = line.length;
  // The kernel pads to a column before the path; paths start with '/' or '[' (or a
  // pseudo-file name), never with a space, so leading blanks are padding.
  let p = s5;
  while (p < line.length && line.charCodeAt(p) === 32) p++;
  const path = line.slice(p);
  const inode = Number(line.slice(s4 + 1, s5));
  if (!Number.isFinite(inode)) throw new ProcParseError(`malformed maps line: ${JSON.stringify(line)}`);
  return {
    start: hex(line.slice(0, dash), line),
    end: hex(line.slice(dash + 1, s1), line),
    perms: line.slice(s1 + 1, s2),
    offset: hex(line.slice(s2 + 1, s3), line),
    dev: line.slice(s3 + 1, s4),
    inode,
    path,
    ...classifyPath(path, hugetlbMounts),
  };
}

export function parseMaps(text: string, options: MapsOptions = {}): Vma[] {
  const mounts = options.hugetlbMounts ?? [];
  const vmas: Vma[] = [];
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    if (to > from) vmas.push(parseMapsLine(text.slice(from, to), mounts));
    from = to + 1;
  }
  return vmas;
}

// /proc/mounts escapes space, tab, newline and backslash in paths as octal.
export function unescapeOctal(text: string): string {
  return text.includes('\\') ? text.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8))) : text;
}

/** Mount points of type hugetlbfs from /proc/PID/mounts text. */
export function parseHugetlbMounts(text: string): string[] {
  const mounts: string[] = [];
  for (const line of text.split('\n')) {
    const [, mountPoint, type] = line.split(' ');
    if (type === 'hugetlbfs' && mountPoint) mounts.push(unescapeOctal(mountPoint));
  }
  return mounts;
}

/** hugetlbfs mount points as the process sees them (its own mount namespace); [] if unreadable. */
export async function readHugetlbMounts(pid: number): Promise<string[]> {
  try {
    return parseHugetlbMounts(await readProcText(pid, 'mounts'));
  } catch {
    return [];
  }
}

export async function readMaps(pid: number): Promise<Vma[]> {
  const [text, hugetlbMounts] = await Promise.all([readProcText(pid, 'maps'), readHugetlbMounts(pid)]);
  return parseMaps(text, { hugetlbMounts });
}
