/**
 * The agent's token, in a file beside its socket (mode 0600, the user's). The socket's
 * permission is what keeps other users out; the token is a second lock that costs nothing,
 * so a socket made reachable by mistake (a wrong mode, a bind mount) still serves nobody
 * who cannot read the user's private directory.
 */
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Owner } from './place.js';

const TOKEN = /^[A-Za-z0-9_-]{32,512}$/;

/** O_EXCL and O_NOFOLLOW: never writes through a link or into a file someone placed. */
export async function writeTokenFile(path: string, token: string, owner: Owner): Promise<void> {
  const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await file.chmod(0o600);
    await file.chown(owner.uid, owner.gid);
    await file.writeFile(`${token}\n`);
  } finally {
    await file.close();
  }
}

export async function readTokenFile(path: string): Promise<string> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (!TOKEN.test(token)) throw new Error(`${path} does not hold an agent token`);
    return token;
  } finally {
    await file.close();
  }
}
