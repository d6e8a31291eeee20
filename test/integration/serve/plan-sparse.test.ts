/**
 * move:plan over huge sparse reservations: the service asks only about present pages, so the
 * plan costs time and memory of those; and through serve mode, a plan whose client closes the
 * request stops its work instead of running on for nobody.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MovePlan, MovePlanRequest } from '../../../app/common/ipc.js';
import { findPresentPages } from '../../../app/main/migrator/present.js';
import { startServer } from '../../../app/main/serve/index.js';
import { NumascopeService, defaultDeps, type ServiceDeps } from '../../../app/main/service/index.js';
import { IdlePoller } from '../../helpers/idle-poller.js';
import { ownPeakKiB } from '../../helpers/peak-memory.js';
import { Target } from '../../helpers/target.js';

const dir = mkdtempSync(join(tmpdir(), 'numascope-plan-'));
mkdirSync(join(dir, 'renderer'));
writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>numascope</title>');
after(() => rmSync(dir, { recursive: true, force: true }));

async function planRequest(target: Target): Promise<MovePlanRequest> {
  const identity = await defaultDeps().readIdentity(target.pid);
  return { pid: target.pid, startTime: identity.startTime, ranges: [{ start: '0x0', end: '0xffffffffffffffff' }], toNode: 0, moveAll: false };
}

test('move:plan of a whole process with a 1 TiB sparse reservation takes time and memory of its present pages', async () => {
  const target = await Target.start(['--sparse', '1024G:262144', '--nohuge']);
  // Moves act only on the watched process; a poller that never scans leaves the plan to the kernel.
  const service = new NumascopeService({ ...defaultDeps(), createPoller: (_pid, intervalMs) => new IdlePoller(intervalMs) });
  try {
    await service.handle('process:watch', { pid: target.pid, intervalMs: 1000 });
    const before = ownPeakKiB();
    const started = performance.now();
    const plan = await service.handle('move:plan', await planRequest(target));
    const seconds = (performance.now() - started) / 1000;
    assert.ok(plan.ok, JSON.stringify(plan));
    const value: MovePlan = plan.value;
    const reserved = (1024 << 30) / target.info.pageSize;
    assert.ok(value.pages > reserved && value.notPresent > reserved - 2048 && value.alreadyOnTarget >= 1024, JSON.stringify(value));
    assert.equal(value.pages, value.notPresent + value.alreadyOnTarget + value.pagesToMove);
    // One entry per page would be 268 Mi addresses: at least 2 GiB and tens of seconds.
    assert.ok(seconds < 20, `${seconds.toFixed(1)} s`);
    assert.ok(ownPeakKiB() - before < 200 * 1024, `peak grew by ${((ownPeakKiB() - before) / 1024).toFixed(0)} MiB`);
  } finally {
    await service.close();
    await target.stop();
  }
});

test('serve: a plan whose client closes the request stops working', async () => {
  const target = await Target.start(['--sparse', '65536G:4194304', '--nohuge']);
  const outcomes: { code: string; at: number }[] = [];
  let started: () => void = () => {};
  const lookupStarted = new Promise<void>((resolve) => (started = resolve));
  let settled: () => void = () => {};
  const lookupSettled = new Promise<void>((resolve) => (settled = resolve));
  let queries = 0;
  const real = defaultDeps();
  const deps: ServiceDeps = {
    ...real,
    createPoller: (_pid, intervalMs) => new IdlePoller(intervalMs),
    queryPages: (pid, pages) => {
      queries++;
      return real.queryPages(pid, pages);
    },
    findPresentPages: async (pid, segments, pageSize, signal) => {
      started();
      try {
        const found = await findPresentPages(pid, segments, pageSize, signal);
        outcomes.push({ code: 'done', at: performance.now() });
        return found;
      } catch (error) {
        outcomes.push({ code: (error as { code?: string }).code ?? String(error), at: performance.now() });
        throw error;
      } finally {
        settled();
      }
    },
  };
  const service = new NumascopeService(deps);
  const server = await startServer({ service, rendererDir: join(dir, 'renderer') });
  try {
    await service.handle('process:watch', { pid: target.pid, intervalMs: 1000 });
    const body = JSON.stringify(await planRequest(target));
    const request = httpRequest({
      host: '127.0.0.1',
      port: server.port,
      path: '/api/move:plan',
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    });
    request.on('error', () => {});
    request.end(body);
    await lookupStarted;
    const closedAt = performance.now();
    request.destroy();
    await lookupSettled;
    // The lookup of 64 TiB was cut short by the close, and no page was asked about after it.
    assert.deepEqual(
      outcomes.map((o) => o.code),
      ['ABORTED'],
    );
    assert.ok((outcomes[0]?.at ?? Infinity) - closedAt < 2000, `stopped ${((outcomes[0]?.at ?? 0) - closedAt).toFixed(0)} ms after the close`);
    assert.equal(queries, 0);
  } finally {
    await server.close();
    await service.close();
    await target.stop();
  }
});
