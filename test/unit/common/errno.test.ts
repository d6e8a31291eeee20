import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import { ERRNO, ERRNO_NAMES, callReason, describeStatus, errnoNameOf, pageReason, shortReason } from '../../../app/common/errno.js';
import { statusLine } from '../../../app/renderer/model/hover.js';
import { repoRoot } from '../../helpers/target.js';

test('the common errno table\'s numbers are koffi\'s for this platform', () => {
  for (const name of ERRNO_NAMES) assert.equal(ERRNO[name], koffi.os.errno[name], name);
});

/** Errno names the migrator's sources write as page statuses (ERRNO.X, errno.X). */
function namesInMigrator(): string[] {
  const dir = join(repoRoot, 'app', 'main', 'migrator');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/\b(?:ERRNO|errno)\.(E[A-Z0-9]+)\b/g)) names.add(match[1] as string);
  }
  return [...names].sort();
}

test('every status the migrator can write has a name, a short and a long reason', () => {
  // The kernel's per-page statuses (mm/migrate.c), EAGAIN that the migrator writes for pages
  // the kernel left without a status, ESRCH for pages of a process that went away, and every
  // errno the migrator's code names.
  const written = new Set(['ENOENT', 'EFAULT', 'EACCES', 'EBUSY', 'ENOMEM', 'EIO', 'EINVAL', 'EPERM', 'ENODEV', 'EAGAIN', 'ESRCH', ...namesInMigrator()]);
  assert.ok(written.has('EAGAIN') && namesInMigrator().includes('EAGAIN'), 'the migrator sources were read');
  for (const code of written) {
    const status = -(ERRNO[code as keyof typeof ERRNO] ?? Number.NaN);
    assert.ok(Number.isInteger(status), `${code} has no number`);
    assert.equal(errnoNameOf(status), code);
    assert.equal(describeStatus(status), `${code} (${status})`);
    assert.ok((shortReason(code) ?? '').length > 0, `${code} has no short reason`);
    assert.ok((pageReason(code) ?? '').length > 0, `${code} has no page reason`);
    assert.notEqual(statusLine(status, 1).short, 'error', code);
  }
});

test('statuses are described as the snapshot text always has', () => {
  assert.deepEqual([3, 0, -2, -14, -22, -77].map(describeStatus), ['node 3', 'node 0', 'ENOENT (-2)', 'EFAULT (-14)', 'EINVAL (-22)', 'errno -77']);
  assert.equal(describeStatus(-11), 'EAGAIN (-11)');
  assert.equal(shortReason('EXDEV'), undefined);
});

test('a whole-call EINVAL from migrate_pages names the kernel\'s causes', () => {
  const reason = callReason('migrate_pages', 'EINVAL') ?? '';
  assert.match(reason, /numascope itself may allocate on.*cpuset/);
  assert.match(reason, /MAX_NUMNODES/);
  assert.match(reason, /exiting/);
  assert.doesNotMatch(reason, /kernel thread/);
});
