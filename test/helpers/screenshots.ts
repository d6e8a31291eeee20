/**
 * Where the browser tests save their screenshots. A test run must not change tracked files,
 * so they go to a scratch directory unless NUMASCOPE_SCREENSHOTS=1 asks for the README's
 * pictures in docs/screenshots to be renewed (`npm run screenshots`).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './target.js';

let scratch: string | null = null;

export function screenshotDir(): string {
  if (process.env['NUMASCOPE_SCREENSHOTS'] === '1') {
    const dir = join(repoRoot, 'docs', 'screenshots');
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  scratch ??= mkdtempSync(join(tmpdir(), 'numascope-screenshots-'));
  return scratch;
}
