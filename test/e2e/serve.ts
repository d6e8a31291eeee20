/** Runs `numascope serve` (the built CLI) for the end-to-end tests and reads the URL it prints first. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { repoRoot } from '../helpers/target.js';

export interface Serve {
  /** The page URL with the token (and &pid=). */
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
}

export async function startServe(args: string[], timeoutMs = 30_000): Promise<Serve> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(repoRoot, 'bin', 'numascope.js'), 'serve', '--port', '0', ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const stop = async (): Promise<void> => {
    lines.close();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`numascope serve printed nothing in ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`numascope serve exited with ${code}: ${stderr.trim()}`));
      });
    });
    const match = /^numascope: serving (http:\/\/[^\s/]+)\/\?token=([^&\s]+)\S*$/.exec(first);
    if (match === null) throw new Error(`unexpected first line from numascope serve: ${first}`);
    return { url: first.slice('numascope: serving '.length), origin: match[1] as string, token: match[2] as string, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls `probe` until it returns a value other than undefined/false, or fails with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
