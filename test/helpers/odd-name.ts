/** A real process whose name (comm) holds a quote, a backslash and a newline. */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The executable's name is what the kernel takes as comm (up to 15 bytes). */
export const ODD_NAME = 'q"b\\c\nx';

export interface OddProcess {
  pid: number;
  comm: string;
  stop(): Promise<void>;
}

export async function startOddlyNamed(dir: string): Promise<OddProcess> {
  const binary = join(dir, ODD_NAME);
  copyFileSync('/usr/bin/sleep', binary);
  const child: ChildProcess = spawn(binary, ['600'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid as number;
  // comm changes at exec; wait until it is there.
  let comm = '';
  for (let i = 0; i < 100 && comm !== ODD_NAME; i++) {
    comm = readFileSync(`/proc/${pid}/comm`, 'utf8').replace(/\n$/, '');
    if (comm !== ODD_NAME) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    pid,
    comm,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
