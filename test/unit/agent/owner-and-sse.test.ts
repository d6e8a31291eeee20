/** Whom the agent works for (PKEXEC_UID, SUDO_UID, --owner), and the event-stream reader RemoteService uses. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnerError, resolveOwner } from '../../../app/main/agent/owner.js';
import { SseReader } from '../../../app/main/agent/sse.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-owner-'));
const passwd = join(dir, 'passwd');
writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1001::/home/alice:/bin/sh\nbroken line\n');
after(() => rmSync(dir, { recursive: true, force: true }));

test('--owner wins, by name or uid; then PKEXEC_UID, then SUDO_UID, then the current user', async () => {
  assert.deepEqual(await resolveOwner('alice', { PKEXEC_UID: '0' }, 0, passwd), { uid: 1000, gid: 1001, source: '--owner' });
  assert.deepEqual(await resolveOwner('4242', {}, 0, passwd), { uid: 4242, gid: -1, source: '--owner' });
  assert.deepEqual(await resolveOwner(undefined, { PKEXEC_UID: '1000', SUDO_UID: '5' }, 0, passwd), { uid: 1000, gid: 1001, source: 'PKEXEC_UID' });
  assert.deepEqual(await resolveOwner(undefined, { SUDO_UID: '1000' }, 0, passwd), { uid: 1000, gid: 1001, source: 'SUDO_UID' });
  assert.deepEqual(await resolveOwner(undefined, {}, 0, passwd), { uid: 0, gid: 0, source: 'the current user' });
});

test('an unknown name or a uid that is not a number is refused', async () => {
  await assert.rejects(resolveOwner('mallory', {}, 0, passwd), OwnerError);
  await assert.rejects(resolveOwner(undefined, { PKEXEC_UID: '1000; rm -rf /' }, 0, passwd), /PKEXEC_UID "1000; rm -rf \/" is not a uid/);
  await assert.rejects(resolveOwner('9999999999', {}, 0, passwd), /is not a uid/);
});

test('the event-stream reader joins chunks split anywhere, UTF-8 included, and skips comments', () => {
  const text = Buffer.from('retry: 2000\n: connected\n\nevent: placement:exited\ndata: {"comm":"café"}\n\n: ping\n\nevent: move:done\ndata: {"a":1}\n\n');
  const reader = new SseReader();
  const seen = [];
  for (let at = 0; at < text.length; at += 3) seen.push(...reader.push(text.subarray(at, at + 3)));
  assert.deepEqual(seen, [
    { event: 'placement:exited', data: '{"comm":"café"}' },
    { event: 'move:done', data: '{"a":1}' },
  ]);
});
