/**
 * User names from /etc/passwd, for showing and filtering processes by owner. Local files
 * only: a name from LDAP or another NSS source that is not in the file shows as its number.
 */
import { readFile } from 'node:fs/promises';

/** uid -> name, the first entry of each uid winning (as getpwuid returns it). */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uidText] = line.split(':');
    if (!name || uidText === undefined || !/^\d+$/.test(uidText)) continue;
    const uid = Number(uidText);
    if (!names.has(uid)) names.set(uid, name);
  }
  return names;
}

export async function readUserNames(path: string = '/etc/passwd'): Promise<Map<number, string>> {
  try {
    return parsePasswd(await readFile(path, 'utf8'));
  } catch {
    return new Map();
  }
}

/** A uid given as a number or a name known to `names`; null when it is neither. */
export function resolveUser(text: string, names: ReadonlyMap<number, string>): number | null {
  if (/^\d{1,10}$/.test(text)) return Number(text);
  for (const [uid, name] of names) if (name === text) return uid;
  return null;
}
