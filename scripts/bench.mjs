#!/usr/bin/env node
// `npm run bench`: runs every benchmark in one go — scans against the C reference
// (dist/bench/run.js), moves inside the two-node guest (dist/bench/move/run.js),
// drawing in Chromium (dist/bench/draw/run.js), input-to-paint in Chromium against serve
// mode (dist/bench/input/run.js), moves and plans over huge sparse reservations
// (dist/bench/reservation/run.js) and the cost of watching a process
// (dist/bench/watch/run.js: watch-cost and perturbation) and the command line's start-up
// (dist/bench/startup/run.js) — each printing its own table of
// figures, targets and ratios. `--parts scan,move,draw,input-to-paint,reservation,watch-cost,perturbation,startup` picks parts; --quick
// goes to every part, other options to the scan part.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const parts = {
  scan: 'dist/bench/run.js',
  move: 'dist/bench/move/run.js',
  draw: 'dist/bench/draw/run.js',
  'input-to-paint': 'dist/bench/input/run.js',
  reservation: 'dist/bench/reservation/run.js',
  'watch-cost': 'dist/bench/watch/run.js',
  perturbation: 'dist/bench/watch/run.js',
  startup: 'dist/bench/startup/run.js',
};
// Parts that share an entry point pick themselves with --only.
const partArgs = { 'watch-cost': ['--only', 'watch-cost'], perturbation: ['--only', 'perturbation'] };
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run bench -- [--parts scan,move,draw,input-to-paint,reservation,watch-cost,perturbation,startup] [--quick] [scan options]

Runs the benchmarks and prints, for each figure, the measured value, its target and the
ratio to the reference measured in the same run. --quick runs small sizes. Each part's
own options: node ${parts.scan} --help (and likewise for move, draw, input and reservation).`);
  process.exit(0);
}
let chosen = Object.keys(parts);
const picked = args.indexOf('--parts');
const rest = [...args];
if (picked >= 0) {
  chosen = (args[picked + 1] ?? '').split(',').filter(Boolean);
  rest.splice(picked, 2);
  const unknown = chosen.filter((name) => !(name in parts));
  if (unknown.length > 0 || chosen.length === 0) {
    console.error(`bench: --parts takes a list of ${Object.keys(parts).join(', ')}`);
    process.exit(2);
  }
}
// Options each part understands in the same way; the rest go to the scan part only.
const shared = rest.filter((arg) => arg === '--quick');
let status = 0;
for (const name of chosen) {
  const entry = join(root, parts[name]);
  if (!existsSync(entry)) {
    console.error(`bench: ${name}: ${parts[name]} is not built (run npm run build)`);
    status = 1;
    continue;
  }
  console.error(`bench: ${name}`);
  const result = spawnSync(process.execPath, [entry, ...(partArgs[name] ?? []), ...(name === 'scan' ? rest : shared)], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
