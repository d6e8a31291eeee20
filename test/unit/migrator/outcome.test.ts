/** outcome.ts: the record of a finished move, its counts and its undo plan. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveResult, type FinishedMove, type SurveyRecord } from '../../../app/main/migrator/outcome.js';
import { Stop } from '../../../app/main/migrator/stop.js';
import { PageState } from '../../../app/main/migrator/survey.js';
import type { MoveJob } from '../../../app/main/migrator/types.js';
import type { ProcessIdentity } from '../../../app/common/types.js';

const identity: ProcessIdentity = { pid: 42, comm: 'fake', cmdline: [], startTime: 1 };
const [ENOENT, ESRCH, EBUSY, EACCES] = [2, 3, 16, 13];
const PAGE = 4096;

function job(pages: number, extra: Partial<MoveJob> = {}): MoveJob {
  const addresses = BigUint64Array.from({ length: pages }, (_, i) => 0x1_0000_0000n + BigInt(i * PAGE));
  return { identity, flags: 2, toNode: 1, pageSize: PAGE, segments: [{ start: 0x1_0000_0000n, end: 0x1_0000_0000n + BigInt(pages * PAGE) }], pages: addresses, targets: new Int32Array(pages).fill(1), requested: pages, unmapped: 0, started: Date.now(), ...extra };
}

function survey(before: number[], state: PageState[], extra: Partial<SurveyRecord> = {}): SurveyRecord {
  return { before: Int32Array.from(before), state: Uint8Array.from(state), pendingRuns: [], known: before.length, toMove: 0, alreadyOnTarget: 0, notPresentCount: 0, notPresent: new Map(), error: null, askedPages: before.length, knownPages: 0, queryMs: 1, ...extra };
}

function finished(j: MoveJob, s: SurveyRecord, status: number[], moved: number, stop: Stop | null = null): FinishedMove {
  return { job: j, survey: s, status: Int32Array.from(status), current: Int32Array.from(status), moved, stop };
}

test('a move where everything moved takes its undo plan from the runs the query found', () => {
  const j = job(4);
  const s = survey([0, 1, 0, 0], [PageState.Moved, PageState.Idle, PageState.Moved, PageState.Moved], { pendingRuns: [0, 1, 2, 4], toMove: 3, alreadyOnTarget: 1 });
  const result = moveResult(finished(j, s, [1, 1, 1, 1], 3));
  assert.equal(result.outcome, 'complete');
  assert.equal(result.message, '3 pages moved to node 1, 1 already there');
  assert.deepEqual(result.counts, { requested: 4, unmapped: 0, notPresent: 0, alreadyOnTarget: 1, toMove: 3, moved: 3, failed: 0, notAttempted: 0 });
  assert.deepEqual([[...result.undo.pages], [...result.undo.nodes]], [[j.pages[0], j.pages[2], j.pages[3]], [0, 0, 0]]);
  assert.equal(result.error, null);
});

test('pages still waiting for another round failed; pages never sent were not attempted', () => {
  const j = job(4);
  const s = survey([0, 0, 0, 2], [PageState.Moved, PageState.Retry, PageState.Pending, PageState.Failed], { toMove: 4 });
  const result = moveResult(finished(j, s, [1, -EBUSY, 0, -EACCES], 1));
  assert.deepEqual([result.counts.failed, result.counts.notAttempted], [2, 1]);
  assert.deepEqual(result.failures.map((f) => [f.code, f.pages]), [['EACCES', 1], ['EBUSY', 1]]);
  assert.deepEqual([...s.state], [PageState.Moved, PageState.Failed, PageState.Pending, PageState.Failed]);
  assert.deepEqual([[...result.undo.pages], [...result.undo.nodes]], [[j.pages[0]], [0]]);
});

test('a move stopped between rounds leaves waiting pages where they are, untried', () => {
  const j = job(2);
  const s = survey([0, 0], [PageState.Moved, PageState.Retry], { toMove: 2 });
  const move = finished(j, s, [1, -EBUSY], 1, new Stop('cancelled', 'ABORTED', 'cancelled'));
  move.current[1] = 0;
  const result = moveResult(move);
  assert.deepEqual([result.outcome, result.counts.failed, result.counts.notAttempted, [...result.status]], ['cancelled', 0, 1, [1, 0]]);
  assert.equal(result.error, null);
  assert.equal(result.message, 'move cancelled; 1 of 2 pages had been moved (undo puts them back)');
});

test('pages the query never reached take its error; pages left out of the list count as not present', () => {
  const j = job(3, { unlisted: { pages: [5], status: Int32Array.of(-ENOENT) } });
  const s = survey([0, 0, 0], [PageState.Moved, PageState.Idle, PageState.Idle], { known: 1, toMove: 1, error: Object.assign(new Error('gone'), { code: 'ESRCH' }) });
  const result = moveResult(finished(j, s, [1, 0, 0], 1, new Stop('exited', 'ESRCH', 'process 42 exited')));
  assert.deepEqual([...result.before], [0, -ESRCH, -ESRCH]);
  assert.deepEqual([...result.status], [1, -ESRCH, -ESRCH]);
  assert.deepEqual([result.counts.notAttempted, result.counts.notPresent], [2, 5]);
  assert.deepEqual(result.notPresent.map((n) => [n.code, n.pages]), [['ENOENT', 5]]);
  assert.deepEqual(result.unlistedStatus, Int32Array.of(-ENOENT));
  assert.deepEqual(result.error, { code: 'ESRCH', message: 'process 42 exited' });
});
