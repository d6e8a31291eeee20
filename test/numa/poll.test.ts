/**
 * Incremental polling inside the multi-node guest: pages moved by another process change
 * no counter of the target and none of its presence; the system-wide migration counters
 * are what reveal them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusesOf, Watcher } from '../helpers/poll-watcher.js';
import { multiNode, pagesOf, run, startTarget, topologyName } from './support.js';

test(`[${topologyName}] pages moved by another process (migratepages) are reported within two polls`, multiNode, async () => {
  const target = await startTarget(['--anon', '16M', '--nohuge']);
  const watcher = new Watcher(target.pid, 1000);
  try {
    const region = target.region(0);
    const pages = pagesOf(region);
    const first = await watcher.next();
    assert.deepEqual([...new Set(statusesOf(first.placement, region.start, region.end))], [0]);
    const [a, b] = await watcher.changeAfterNextUpdate(async () => {
      const moved = await run('migratepages', [String(target.pid), '0', '1']);
      assert.equal(moved.code, 0, moved.stderr);
    });
    assert.deepEqual([...new Set(statusesOf(b.placement, region.start, region.end))], [1], 'every page is reported on node 1');
    const reported = [...(a.changes?.summary() ?? []), ...(b.changes?.summary() ?? [])].filter((pair) => pair.from === 0 && pair.to === 1);
    assert.ok(reported.reduce((sum, pair) => sum + pair.pages, 0) >= pages, 'the move is reported as changes from node 0 to node 1');
    assert.ok([a, b].some((u) => u.poll?.kind === 'full' && /moved somewhere/.test(u.poll.reason)), 'the system-wide counters made the poll rescan');
  } finally {
    await watcher.poller.stop();
    await target.stop();
  }
});
