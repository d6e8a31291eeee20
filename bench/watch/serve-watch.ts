/**
 * A watcher as a user runs it: `numascope serve` in its own process, watching a target
 * through the HTTP API with an event stream open, as the browser page does. Its CPU time is
 * read from /proc/PID/stat (utime + stime, every thread: the sampler's worker and koffi's
 * included), so what it costs is measured from outside.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseStat } from '../../app/main/proc/identity.js';
import { EventReader, send } from '../../test/integration/serve/http-client.js';
import { repoRoot } from '../../test/helpers/target.js';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds a process has used so far, all its threads together. */
export function cpuSeconds(pid: number): number {
  const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (stat.utime + stat.stime) / CLOCK_TICKS;
}

export class ServeWatcher {
  private constructor(
    private readonly child: ChildProcess,
    readonly events: EventReader,
  ) {}

  get pid(): number {
    return this.child.pid as number;
  }

  /** Placement updates received so far. */
  get updates(): number {
    return this.events.received.filter((event) => event.channel === 'placement:update').length;
  }

  /** Starts `numascope serve` and watches `pid` at `intervalMs`; resolves after the first update. */
  static async start(pid: number, intervalMs: number, fullEvery: number | null): Promise<ServeWatcher> {
    const args = [join(repoRoot, 'bin', 'numascope.js'), 'serve', ...(fullEvery === null ? [] : ['--full-every', String(fullEvery)])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`numascope serve exited with ${code}`)));
    });
    const match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(line);
    if (!match) {
      child.kill('SIGKILL');
      throw new Error(`unexpected first line from numascope serve: ${line}`);
    }
    const [port, token] = [Number(match[1]), match[2] as string];
    const events = await EventReader.open(port, `/api/events?token=${token}`);
    const watcher = new ServeWatcher(child, events);
    try {
      const watched = await send({ port, path: '/api/process:watch', method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ pid, intervalMs }) });
      if (watched.status !== 200) throw new Error(`process:watch answered ${watched.status}: ${watched.body}`);
      await events.next('placement:update', () => true, 600_000);
    } catch (error) {
      await watcher.stop();
      throw error;
    }
    return watcher;
  }

  async stop(): Promise<void> {
    this.events.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
