/**
 * Event payloads: one schema per channel (app/common/ipc-events.ts) gives the type
 * EVENT_CONTRACT names, covers exactly the event channels, agrees with the types other
 * modules declare for the parts it embeds, and accepts what the service's own code produces.
 * (Every event the service emits in test/integration/serve/service.test.ts is checked too.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { EVENT_CHANNELS, type EventChannels } from '../../../app/common/ipc.js';
import { EVENT_SCHEMAS, type moveCountsSchema, type placementSummarySchema, type placementTileSchema } from '../../../app/common/ipc-events.js';
import type { PlacementSummary, PlacementTile } from '../../../app/common/placement-tiles.js';
import type { MoveCounts, NumaNode } from '../../../app/common/types.js';
import type { SnapshotNode } from '../../../app/common/snapshot/schema.js';
import { PlacementFeed } from '../../../app/main/service/index.js';
import { BIG_IDENTITY, fakePlacement, fakeTopology, interleavedPlacement } from '../../e2e/fake-server.js';

/** true when A and B are the same type, else false (so assigning `true` fails to compile). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

type Inferred = { [E in keyof typeof EVENT_SCHEMAS]: v.InferOutput<(typeof EVENT_SCHEMAS)[E]> };

const typesMatchSchemas: [
  Same<keyof EventChannels, keyof typeof EVENT_SCHEMAS>,
  Same<EventChannels, Inferred>,
  Same<v.InferOutput<typeof placementSummarySchema>, PlacementSummary>,
  Same<v.InferOutput<typeof placementTileSchema>, PlacementTile>,
  Same<v.InferOutput<typeof moveCountsSchema>, MoveCounts>,
  Same<NumaNode, SnapshotNode>,
] = [true, true, true, true, true, true];

test('the type-level checks above are compiled in', () => {
  assert.deepEqual(typesMatchSchemas, [true, true, true, true, true, true]);
});

test('the event schemas cover exactly the event channels', () => {
  assert.deepEqual(Object.keys(EVENT_SCHEMAS).sort(), [...EVENT_CHANNELS].sort());
});

test('placement updates as the service builds them (runs and bins overviews, with changes) match the schema', () => {
  const feed = new PlacementFeed({ name: 'numascope', version: 'test' });
  const small = feed.publish({ placement: fakePlacement(BIG_IDENTITY), sequence: 1, scanMs: 3 }, fakeTopology());
  const big = feed.publish({ placement: interleavedPlacement(), sequence: 2, scanMs: 40.5 }, fakeTopology());
  assert.deepEqual([small.overview.kind, big.overview.kind].sort(), ['bins', 'runs']);
  for (const update of [small, big]) {
    const sent: unknown = JSON.parse(JSON.stringify(update));
    const checked = v.safeParse(EVENT_SCHEMAS['placement:update'], sent);
    assert.ok(checked.success, JSON.stringify(checked.issues?.[0]?.path?.map((item) => item.key)));
  }
  // Strict: a field the type does not declare, or one it does left out, is refused.
  const sent = JSON.parse(JSON.stringify(small)) as Record<string, unknown>;
  assert.equal(v.is(EVENT_SCHEMAS['placement:update'], { ...sent, extra: 1 }), false);
  assert.equal(v.is(EVENT_SCHEMAS['placement:update'], { ...sent, scanMs: undefined }), false);
});
