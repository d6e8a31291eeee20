// What the scripts' command lines share: the repository root, and node:util parseArgs in
// strict mode with -h/--help printing the script's usage (exit 0) and a bad option printing
// the first line of parseArgs's message and the usage (exit 2).
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const root = resolve(fileURLToPath(import.meta.url), '..', '..');

export function scriptArgs(usage, { options = {}, allowPositionals = false } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    // parseArgs's first sentence names the problem; the rest is advice that usage covers.
    console.error(`${basename(process.argv[1] ?? 'script', '.mjs')}: ${error.message.split(/\.\s|\n/)[0]}\n\n${usage}`);
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}
