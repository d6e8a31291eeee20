/** Running numascope's command line (or any command) from tests, as a user would. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './target.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command-line entry point, run with `process.execPath`. */
export const CLI = join(repoRoot, 'bin', 'numascope.js');
/** A prefix that runs a command as user nobody, without root's capabilities. */
export const NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** Runs a command (optionally behind a prefix such as NOBODY) and collects its output. */
export function run(file: string, args: string[], prefix: string[] = []): Promise<Run> {
  const [command, ...rest] = [...prefix, file, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, rest, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `numascope ARGS...` through the built entry point. */
export function cli(args: string[], prefix: string[] = []): Promise<Run> {
  return run(process.execPath, [CLI, ...args], prefix);
}
