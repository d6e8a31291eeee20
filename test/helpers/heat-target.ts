/**
 * Runs test/fixtures/heat-target.c: a hot buffer a busy thread keeps writing (or reading),
 * and a cold one, with their addresses.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { AddressRange } from '../../app/common/address.js';
import { buildC } from './target.js';

export interface HeatTargetOptions {
  hotMiB: number;
  coldMiB: number;
  /** Bind both buffers to this node. */
  node?: number;
  /** Pin the busy thread to this CPU. */
  cpu?: number;
  /** The busy thread reads instead of writing. */
  read?: boolean;
  prefix?: string[];
}

export class HeatTarget {
  private constructor(
    private readonly proc: ChildProcessByStdio<Writable, Readable, null>,
    readonly pid: number,
    readonly hot: AddressRange,
    readonly cold: AddressRange,
  ) {}

  static async start(options: HeatTargetOptions): Promise<HeatTarget> {
    const binary = buildC('heat-target', ['-pthread']);
    const args = [String(options.hotMiB), String(options.coldMiB)];
    if (options.node !== undefined) args.push('--node', String(options.node));
    if (options.cpu !== undefined) args.push('--cpu', String(options.cpu));
    if (options.read) args.push('--read');
    const [command, ...rest] = [...(options.prefix ?? []), binary, ...args];
    const proc = spawn(command as string, rest, { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: proc.stdout });
    const [line] = (await Promise.race([once(lines, 'line'), once(proc, 'exit').then(() => [null])])) as [string | null];
    if (line === null) throw new Error('heat-target exited before reporting its buffers');
    const info = JSON.parse(line) as { pid: number; hot: { start: string; end: string }; cold: { start: string; end: string } };
    const range = (r: { start: string; end: string }): AddressRange => ({ start: BigInt(r.start), end: BigInt(r.end) });
    return new HeatTarget(proc, info.pid, range(info.hot), range(info.cold));
  }

  /** Ends the process and waits for it. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = once(this.proc, 'exit');
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
