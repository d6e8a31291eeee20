/**
 * Whom the agent works for: the user who asked for it. pkexec and sudo say who that is
 * (PKEXEC_UID, SUDO_UID); `--owner USER` names them outright. Without either, the agent
 * belongs to whoever runs it.
 */
import { readFile } from 'node:fs/promises';
import type { Owner } from './place.js';

export interface ResolvedOwner extends Owner {
  /** Where the uid came from, for the agent's first line. */
  source: '--owner' | 'PKEXEC_UID' | 'SUDO_UID' | 'the current user';
}

export class OwnerError extends Error {
  override name = 'OwnerError';
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

function parsePasswdEntries(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (!name || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) continue;
    entries.push({ name, uid: Number(uid), gid: Number(gid) });
  }
  return entries;
}

async function readPasswd(path: string): Promise<PasswdEntry[]> {
  try {
    return parsePasswdEntries(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
}

const UID_TEXT = /^\d{1,10}$/;
const MAX_UID = 0xfffffffe;

function parseUid(text: string, what: string): number {
  if (!UID_TEXT.test(text) || Number(text) > MAX_UID) throw new OwnerError(`${what} "${text}" is not a uid`);
  return Number(text);
}

export async function resolveOwner(option: string | undefined, env: NodeJS.ProcessEnv, currentUid: number, passwdPath = '/etc/passwd'): Promise<ResolvedOwner> {
  const entries = await readPasswd(passwdPath);
  const withGid = (uid: number, source: ResolvedOwner['source']): ResolvedOwner => ({ uid, gid: entries.find((entry) => entry.uid === uid)?.gid ?? -1, source });
  if (option !== undefined) {
    if (UID_TEXT.test(option)) return withGid(parseUid(option, '--owner'), '--owner');
    const entry = entries.find((candidate) => candidate.name === option);
    if (!entry) throw new OwnerError(`--owner "${option}" is neither a uid nor a user in ${passwdPath}`);
    return { uid: entry.uid, gid: entry.gid, source: '--owner' };
  }
  // pkexec first: sudo inside a pkexec'd shell is not a case to guess about, and pkexec clears SUDO_*.
  if (env.PKEXEC_UID !== undefined) return withGid(parseUid(env.PKEXEC_UID, 'PKEXEC_UID'), 'PKEXEC_UID');
  if (env.SUDO_UID !== undefined) return withGid(parseUid(env.SUDO_UID, 'SUDO_UID'), 'SUDO_UID');
  return withGid(currentUid, 'the current user');
}
