/** Wires the real service and the built files into the shell; main.ts calls this. */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultAgentSocket } from '../agent/place.js';
import { NumascopeService } from '../service/index.js';
import { chooseBackend, launchWithPkexec } from './backend.js';
import type { ElectronModule } from './electron-api.js';
import { fileFromArgv } from './open-file.js';
import { createShell, type Shell } from './shell.js';

/** dist/app/main/electron -> dist */
const DIST = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');

/** `--pid N` anywhere on the command line (electron . --pid N, or the packaged app). */
export function pidFromArgv(argv: readonly string[]): number | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = arg === '--pid' ? argv[i + 1] : arg.startsWith('--pid=') ? arg.slice('--pid='.length) : undefined;
    if (value !== undefined && /^[1-9]\d{0,6}$/.test(value)) return Number(value);
  }
  return null;
}

/**
 * The agent's command line for pkexec, which wants an absolute program. Packaged: the
 * wrapper shipped beside app.asar (packaging/numascope-agent), the program the polkit
 * policy names. From a folder: Node (the one `npm start` ran, else /usr/bin/node) and the CLI.
 */
export function agentCommand(packaged: boolean, env: NodeJS.ProcessEnv = process.env, resourcesPath: string = process.resourcesPath ?? ''): string[] {
  if (packaged) return [join(resourcesPath, 'numascope-agent')];
  return [env.NUMASCOPE_NODE ?? '/usr/bin/node', resolve(DIST, '..', 'bin', 'numascope.js'), 'agent'];
}

const CONSENT = {
  message: 'Inspect every process on this machine?',
  detail:
    'As yourself, numascope can read only your own processes. To see and move the memory of every process, it can start its agent as administrator: a separate numascope process that only you can talk to, which stops when this window closes.\n\nThe window itself stays unprivileged.',
};

export function startApp(electron: ElectronModule, argv: readonly string[] = process.argv): Promise<Shell> {
  const { dialog, app } = electron;
  const uid = process.getuid?.() ?? 0;
  return createShell(electron, {
    service: () =>
      chooseBackend({
        uid,
        socketPath: defaultAgentSocket(uid),
        local: () => new NumascopeService(),
        askConsent: async () => (await dialog.showMessageBox({ type: 'question', buttons: ['Start as administrator', 'Only my processes'], defaultId: 0, cancelId: 1, title: 'numascope', ...CONSENT })).response === 0,
        launch: () => launchWithPkexec(agentCommand(app.isPackaged)),
        warn: (message) => dialog.showErrorBox('numascope agent', message),
        onAgentGone: (reason) => dialog.showErrorBox('numascope agent stopped', `${reason}.\n\nRequests now fail: close the window and open it again.`),
      }),
    rendererIndex: resolve(DIST, 'renderer', 'index.html'),
    preloadPath: resolve(DIST, 'preload', 'preload.cjs'),
    initialPid: pidFromArgv(argv),
    openFile: fileFromArgv(argv, app.isPackaged),
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** startApp, with a failure shown in a dialog rather than an exit nobody sees (a desktop launch has no terminal). */
export async function runApp(electron: ElectronModule, argv: readonly string[] = process.argv): Promise<Shell | null> {
  try {
    return await startApp(electron, argv);
  } catch (error) {
    electron.dialog.showErrorBox('numascope could not start', messageOf(error));
    electron.app.exit(1);
    return null;
  }
}
