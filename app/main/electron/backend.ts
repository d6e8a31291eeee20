/**
 * Which service the window talks to. The window never runs as root (Chromium's sandbox
 * refuses to), and as a normal user it can read only that user's processes; so when it is
 * not root it looks for the user's agent (`numascope agent`, root, on a socket only this
 * user can open: app/main/agent/place.ts), and, if there is none, asks the user whether to
 * start one with pkexec. Declined or failed, it keeps the in-process service, limited to
 * the user's own processes.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { checkFoundSocket, tokenPathOf } from '../agent/place.js';
import { RemoteService } from '../agent/remote-service.js';
import { readTokenFile } from '../agent/token-file.js';
import type { ServiceBackend } from '../service/index.js';

export type BackendKind = 'root' | 'agent' | 'user';

export interface Backend {
  service: ServiceBackend;
  kind: BackendKind;
}

export interface BackendDeps {
  uid: number;
  socketPath: string;
  /** The in-process service. */
  local(): ServiceBackend;
  /** Asks the user whether to start the agent as administrator; true to go ahead. */
  askConsent(): Promise<boolean>;
  /** Starts the agent (pkexec); resolves once it listens, rejects with the reason it did not. */
  launch(): Promise<void>;
  /** Tells the user something went wrong (a dialog), without stopping. */
  warn(message: string): void;
  /** The agent went away while the window was using it. */
  onAgentGone(reason: string): void;
}

/** The user's running agent, or null (with why) when there is none to trust. */
export async function connectToAgent(socketPath: string, uid: number, onGone: (reason: string) => void): Promise<RemoteService | { missing: string }> {
  const problem = await checkFoundSocket(socketPath, uid);
  if (problem !== null) return { missing: problem };
  try {
    const token = await readTokenFile(tokenPathOf(socketPath));
    return await RemoteService.connect({ socketPath, token, onGone });
  } catch (error) {
    return { missing: error instanceof Error ? error.message : String(error) };
  }
}

export async function chooseBackend(deps: BackendDeps): Promise<Backend> {
  if (deps.uid === 0) return { service: deps.local(), kind: 'root' };
  const found = await connectToAgent(deps.socketPath, deps.uid, deps.onAgentGone);
  if (found instanceof RemoteService) return { service: found, kind: 'agent' };
  if (!(await deps.askConsent())) return { service: deps.local(), kind: 'user' };
  try {
    await deps.launch();
  } catch (error) {
    deps.warn(`The agent did not start: ${error instanceof Error ? error.message : String(error)}\n\nnumascope goes on with your own processes only.`);
    return { service: deps.local(), kind: 'user' };
  }
  const started = await connectToAgent(deps.socketPath, deps.uid, deps.onAgentGone);
  if (started instanceof RemoteService) return { service: started, kind: 'agent' };
  deps.warn(`The agent started but cannot be reached: ${started.missing}\n\nnumascope goes on with your own processes only.`);
  return { service: deps.local(), kind: 'user' };
}

/**
 * Runs `pkexec COMMAND...` (polkit asks for the administrator's password, or remembers it
 * for a while: auth_admin_keep) and waits for the agent's "listening on" line. The agent
 * outlives this only as long as the window keeps its event stream open.
 */
export function launchWithPkexec(command: readonly string[], timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('pkexec', [...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => reject(new Error(`no answer from pkexec within ${timeoutMs / 1000} s`)), timeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (/ listening on /.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`pkexec could not be run (${error.message}): is polkit installed?`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // pkexec: 126 when the dialog was dismissed, 127 when not authorized.
      const why = code === 126 ? 'the authentication was cancelled' : code === 127 ? 'not authorized' : `it exited with status ${code}`;
      reject(new Error(`${why}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`));
    });
  });
}
