/** `numascope ps --cgroups`: a real cgroup holding a target, in the table and the JSON, against the group's own files. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupOverview } from '../../app/common/system-overview.js';
import { findCgroup2Mount } from '../../app/main/proc/cgroups.js';
import { cli } from '../helpers/cli.js';
import { Target } from '../helpers/target.js';

const mount = findCgroup2Mount(readFileSync('/proc/self/mountinfo', 'utf8'));
const skip = mount === null ? 'cgroup v2 is not mounted' : process.getuid?.() !== 0 ? 'making a cgroup needs root' : false;
const target = await Target.start(['--anon', '4M', '--nohuge']);
const name = `numascope-cli-${process.pid}`;
const group = mount === null ? '' : join(mount, name);

after(async () => {
  if (mount !== null && existsSync(group)) {
    if (readFileSync(join(group, 'cgroup.procs'), 'utf8').trim() !== '') writeFileSync(join(mount, 'cgroup.procs'), `${target.pid}\n`);
    rmdirSync(group);
  }
  await target.stop();
});

test('ps --cgroups lists a group holding a real process, in a table and as JSON', { skip }, async () => {
  mkdirSync(group);
  writeFileSync(join(group, 'cgroup.procs'), `${target.pid}\n`);
  const json = await cli(['ps', '--cgroups', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const overview = JSON.parse(json.stdout) as CgroupOverview;
  assert.equal(overview.mount, mount);
  const row = overview.groups.find((g) => g.path === `/${name}`);
  assert.ok(row, json.stdout);
  assert.deepEqual(Object.keys(row), ['path', 'processes', 'nodeBytes', 'anonBytes', 'fileBytes', 'memsEffective']);
  assert.equal(row.processes, 1);
  const hasMemory = existsSync(join(group, 'memory.numa_stat'));
  assert.equal(row.nodeBytes === null, !hasMemory);
  if (hasMemory) {
    const anon = /^anon (.*)$/m.exec(readFileSync(join(group, 'memory.numa_stat'), 'utf8'))?.[1] ?? '';
    const anonTotal = anon.split(' ').reduce((sum, field) => sum + Number(field.split('=')[1]), 0);
    assert.equal(row.anonBytes, anonTotal);
  }
  const text = await cli(['ps', '--cgroups']);
  assert.equal(text.code, 0, text.stderr);
  const [header, ...lines] = text.stdout.trimEnd().split('\n');
  assert.match(header ?? '', /^procs\s+node0\s+anon\s+file\s+mems\s+cgroup$/);
  assert.ok(lines.some((line) => new RegExp(`^1\\s.*\\s/${name}$`).test(line)), text.stdout);
  if (!hasMemory) assert.match(text.stderr, /memory .*controllers? (is|are) not on the cgroup v2 hierarchy/);
});

test('ps --cgroups is in the help and refuses process options', async () => {
  const help = await cli(['ps', '--help']);
  assert.match(help.stdout, /numascope ps --cgroups \[--json\]/);
  assert.match(help.stdout, /memory\.numa_stat/);
  const bad = await cli(['ps', '--cgroups', '--comm', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--cgroups lists groups, not processes: it does not take --comm/);
});
