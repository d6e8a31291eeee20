/**
 * Seeded fuzzing of snapshot reading: a few thousand mutated files (truncated, bytes flipped,
 * numbers and counts made huge, nesting made deep, keys renamed to "__proto__") through the
 * path `numascope open` takes (parseSnapshot) and the one the window takes when a user opens a
 * file (parseSnapshot, then decodeFile for drawing). Each case must end in a correct open or
 * in a SnapshotError with a one-line message, quickly: never another error, a hang or a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnapshot, serializeSnapshot } from '../../../app/common/snapshot/codec.js';
import { SnapshotError } from '../../../app/common/snapshot/error.js';
import { decodeFile } from '../../../app/renderer/model/sources.js';
import { buildViewData } from '../../../app/renderer/model/data.js';
import { mutated } from './mutate.js';

const CASES = 3000;
const SLOW_CASE_MS = 1000;

type Outcome = 'opened' | 'refused';

function openLikeTheCli(text: string): Outcome {
  parseSnapshot(text);
  return 'opened';
}

function openLikeTheWindow(text: string): Outcome {
  const decoded = decodeFile(parseSnapshot(text));
  buildViewData(decoded.summary);
  return 'opened';
}

function outcome(open: (text: string) => Outcome, text: string, label: string): Outcome {
  const started = performance.now();
  try {
    return open(text);
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw new Error(`${label}: not a SnapshotError: ${String(error)}`, { cause: error });
    assert.ok(!/[\r\n]/.test(error.message) && error.message.length > 0 && error.message.length < 600, `${label}: message ${JSON.stringify(error.message.slice(0, 300))}`);
    return 'refused';
  } finally {
    const ms = performance.now() - started;
    assert.ok(ms < SLOW_CASE_MS, `${label}: took ${ms.toFixed(0)} ms`);
  }
}

test(`${CASES} mutated snapshots each open correctly or are refused in one line, in the CLI's and the window's reader`, () => {
  const tally: Record<Outcome, number> = { opened: 0, refused: 0 };
  for (let seed = 1; seed <= CASES; seed++) {
    const { name, text } = mutated(seed);
    const label = `seed ${seed} (${name})`;
    const cli = outcome(openLikeTheCli, text, `${label}, CLI`);
    const window = outcome(openLikeTheWindow, text, `${label}, window`);
    // The window also expands pages, so it may refuse what the CLI reads, never the reverse.
    if (cli === 'refused') assert.equal(window, 'refused', label);
    tally[cli]++;
    if (cli === 'opened') {
      // What opened is a normal object: no prototype from the file, and it writes back as it reads.
      const file = parseSnapshot(text);
      assert.equal(Object.getPrototypeOf(file), Object.prototype, label);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined, label);
      assert.deepEqual(parseSnapshot(serializeSnapshot(file)), file, label);
    }
  }
  // Both kinds of outcome occur, so the mutations neither always break nor never break the file.
  assert.ok(tally.opened > CASES / 50 && tally.refused > CASES / 2, JSON.stringify(tally));
});
