/** Wires the real service and the built files into the shell; main.ts calls this. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NumascopeService } from '../service/index.js';
import type { ElectronModule } from './electron-api.js';
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

export function startApp(electron: ElectronModule, argv: readonly string[] = process.argv): Promise<Shell> {
  return createShell(electron, {
    service: new NumascopeService(),
    rendererIndex: resolve(DIST, 'renderer', 'index.html'),
    preloadPath: resolve(DIST, 'preload', 'preload.cjs'),
    initialPid: pidFromArgv(argv),
  });
}
