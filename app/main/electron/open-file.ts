/**
 * Files the desktop hands the app: a path on the command line (the .desktop entry's
 * `numascope %U`, a file association, or `numascope before.json`) or one chosen in the File
 * menu. Main reads it and gives the page its text; the page parses and checks it exactly as
 * a file from its own file picker (app/common/ipc-shell.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ShellOpenFile } from '../../common/ipc-shell.js';
import { DEFAULT_MAX_BYTES } from '../../common/snapshot/schema.js';
import { osReason } from '../files/errno.js';

/** Options whose value is the next argument, so it is not taken for a file. */
const OPTIONS_WITH_VALUE = new Set(['--pid']);

/**
 * The file named on the command line, or null. argv[0] is the binary; run from a folder
 * (`electron . FILE`) argv[1] is the app's folder, so the arguments start one later.
 */
export function fileFromArgv(argv: readonly string[], packaged: boolean): string | null {
  const args = argv.slice(packaged ? 1 : 2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg === '--') return args[i + 1] ?? null;
    if (arg.startsWith('-')) continue;
    // A desktop may pass a file:// URL (%U).
    return arg.startsWith('file://') ? decodeURIComponent(new URL(arg).pathname) : arg;
  }
  return null;
}

/** The file's name and text, or a one-line reason it cannot be opened. */
export async function readFileForPage(path: string): Promise<{ ok: true; file: ShellOpenFile } | { ok: false; message: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, message: `${path} is not a regular file` };
    if (info.size > DEFAULT_MAX_BYTES) return { ok: false, message: `${path} is larger than ${DEFAULT_MAX_BYTES / 1024 / 1024} MiB, the most a snapshot may be` };
    return { ok: true, file: { name: basename(path), text: await readFile(path, 'utf8') } };
  } catch (error) {
    return { ok: false, message: `${path}: ${osReason(error)}` };
  }
}
