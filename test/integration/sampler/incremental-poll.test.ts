/**
 * Incremental polling against real processes: a quiet process costs no page queries after
 * the first scan, and every kind of change (new memory faulted in, munmap, MADV_DONTNEED)
 * is reported within two polls that start after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PollUpdate } from '../../../app/main/sampler/poller.js';
import { statusesOf, Watcher } from '../../helpers/poll-watcher.js';
import { Target } from '../../helpers/target.js';

const PAGE = 4096n;

function pagesOf(start: bigint, end: bigint): number {
  return Number((end - start) / PAGE);
}

async function withTarget(args: string[], body: (target: Target, watcher: Watcher) => Promise<void>, fullEvery = 1000): Promise<void> {
  const target = await Target.start(args);
  const watcher = new Watcher(target.pid, fullEvery);
  try {
    await body(target, watcher);
  } finally {
    await watcher.poller.stop();
    await target.stop();
  }
}

test('a quiet process: polls after the first ask the kernel about no page of its memory', async () => {
  await withTarget(['--anon', '64M', '--sparse', '64M:50', '--nohuge'], async (_target, watcher) => {
    const first = await watcher.next();
    assert.equal(first.poll?.kind, 'full');
    assert.ok(first.stats.queriedPages > 16384, `the first scan asks about every present page (${first.stats.queriedPages})`);
    const later: PollUpdate[] = [];
    for (let i = 0; i < 5; i++) later.push(await watcher.next());
    // A migration anywhere in the system makes a poll full; nothing else may.
    const kinds = later.map((u) => (u.poll?.kind === 'full' ? `full (${u.poll.reason})` : 'incremental'));
    assert.deepEqual(kinds.filter((k) => k.startsWith('full') && !k.includes('somewhere')), [], `kinds: ${kinds.join(', ')}`);
    const incremental = later.filter((u) => u.poll?.kind !== 'full');
    assert.ok(incremental.length >= 3, `kinds: ${kinds.join(', ')}`);
    assert.ok(incremental.some((u) => u.poll?.kind === 'presence'), 'presence is walked at least every other poll');
    for (const update of incremental) {
      // Only special mappings (vdso, vvar: a few pages) are asked about again.
      assert.ok(update.stats.queriedPages <= 16, `queried ${update.stats.queriedPages} pages in a ${update.poll?.kind} poll`);
      assert.equal(update.changes?.total, 0);
    }
  });
});

test('memory faulted into an untouched mapping is reported within two polls, without a full rescan', async () => {
  await withTarget(['--anon', '8M', '--gap', '1M', '--untouched', '16M', '--nohuge'], async (target, watcher) => {
    const untouched = target.region(2);
    const pages = pagesOf(untouched.start, untouched.end);
    const [a, b] = await watcher.changeAfterNextUpdate(() => target.fill(2, 7));
    assert.ok(statusesOf(b.placement, untouched.start, untouched.end).every((s) => s >= 0), 'every filled page has a node');
    // Only the region's own pages: the target's stack and heap may fault in a page or two meanwhile.
    const reported = [...(a.changes?.list() ?? []), ...(b.changes?.list() ?? [])].filter((c) => c.address >= untouched.start && c.address < untouched.end && c.from < 0 && c.to >= 0);
    assert.equal(reported.length, pages);
    assert.deepEqual([a.poll?.kind, b.poll?.kind].filter((kind) => kind === 'full'), [], 'found without a full rescan');
  });
});

test('a new mapping is reported within two polls', async () => {
  await withTarget(['--anon', '8M', '--nohuge'], async (target, watcher) => {
    let mapped = { start: 0n, end: 0n };
    const [a, b] = await watcher.changeAfterNextUpdate(async () => (mapped = await target.map('12M')));
    const statuses = statusesOf(b.placement, mapped.start, mapped.end);
    assert.equal(statuses.length, pagesOf(mapped.start, mapped.end));
    assert.deepEqual(statuses.filter((s) => s < 0), [], 'every page of the new mapping has a node');
    assert.ok([...a.regionsAdded, ...b.regionsAdded].some((vma) => vma.start <= mapped.start && vma.end >= mapped.end), 'the new mapping is reported as added');
  });
});

test('munmap is reported within two polls', async () => {
  await withTarget(['--anon', '8M', '--gap', '1M', '--anon', '16M', '--nohuge'], async (target, watcher) => {
    const gone = target.region(2);
    const [a, b] = await watcher.changeAfterNextUpdate(() => target.unmap(2));
    assert.deepEqual(statusesOf(b.placement, gone.start, gone.end), [], 'no region covers the unmapped pages any more');
    assert.ok([...a.regionsRemoved, ...b.regionsRemoved].some((vma) => vma.start <= gone.start && vma.end >= gone.end), 'the mapping is reported as removed');
  });
});

test('MADV_DONTNEED, which takes no fault, is reported by the next poll, from the resident size', async () => {
  await withTarget(['--anon', '8M', '--gap', '1M', '--anon', '16M', '--nohuge'], async (target, watcher) => {
    const dropped = target.region(2);
    const pages = pagesOf(dropped.start, dropped.end);
    const before = (await watcher.next()).placement;
    assert.ok(statusesOf(before, dropped.start, dropped.end).every((s) => s >= 0));
    // Made right after a presence walk, so the next poll has no periodic walk due.
    const [a, b] = await watcher.changeAfterNextUpdate(() => target.dontneed(2), (update) => update.poll?.kind === 'presence');
    const after = statusesOf(b.placement, dropped.start, dropped.end);
    assert.equal(after.length, pages, 'the mapping stays');
    assert.ok(after.every((s) => s < 0), 'every dropped page is reported absent');
    // The first poll after it: the resident size says so at once.
    const reported = (a.changes?.list() ?? []).filter((c) => c.address >= dropped.start && c.address < dropped.end && c.from >= 0 && c.to < 0);
    assert.equal(reported.length, pages, `the first poll after the drop (${a.poll?.kind}: ${a.poll?.reason}) reports ${reported.length} of ${pages} pages`);
    assert.notEqual(a.poll?.kind === 'full' ? a.poll.reason : 'incremental', 'backstop');
  });
});

test('the backstop: every fullEvery-th poll asks about every page', async () => {
  await withTarget(['--anon', '8M', '--nohuge'], async (_target, watcher) => {
    const kinds: string[] = [];
    for (let i = 0; i < 6; i++) kinds.push((await watcher.next()).poll?.kind ?? 'none');
    assert.equal(kinds[0], 'full');
    assert.equal(kinds[3], 'full');
    assert.ok(kinds[1] !== 'full' || kinds[2] !== 'full', `kinds: ${kinds.join(', ')}`);
  }, 3);
});
