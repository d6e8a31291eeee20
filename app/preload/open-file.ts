/**
 * A file the desktop opened (app/common/ipc-shell.ts), given to the page's own "Open
 * snapshot" input as if the user had picked it there: the page reads, checks and shows it
 * on the one path it already has, and this world hands the page nothing but a File.
 */
import type { ShellOpenFile } from '../common/ipc-shell.js';

const OPEN_INPUT = 'input[type="file"][data-testid="open-snapshot"]';
/** The page may still be rendering when main sends the file. */
const WAIT_MS = 10_000;
const STEP_MS = 100;

function isOpenFile(value: unknown): value is ShellOpenFile {
  return typeof value === 'object' && value !== null && 'name' in value && 'text' in value && typeof value.name === 'string' && typeof value.text === 'string';
}

export function handOpenFile(value: unknown, waited = 0): void {
  if (!isOpenFile(value)) return;
  const input = document.querySelector<HTMLInputElement>(OPEN_INPUT);
  if (input === null) {
    if (waited < WAIT_MS) setTimeout(() => handOpenFile(value, waited + STEP_MS), STEP_MS);
    return;
  }
  const transfer = new DataTransfer();
  transfer.items.add(new File([value.text], value.name, { type: 'application/json' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}
