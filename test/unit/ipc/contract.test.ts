/**
 * One source of truth: every channel named in the contract maps has a schema main validates
 * with, is in the channel list, and is known to the channel guards; and nothing else is.
 * The types are checked at compile time (a mismatch fails the build), the lists at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EVENT_CHANNELS,
  EVENT_CONTRACT,
  REQUEST_CHANNELS,
  REQUEST_CONTRACT,
  type EventChannel,
  type EventChannels,
  type RequestChannel,
  type RequestChannels,
} from '../../../app/common/ipc.js';
import { isEventChannel, isRequestChannel, validateRequest } from '../../../app/common/ipc-validate.js';

/** true when A and B are the same type, else false (so assigning `true` fails to compile). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// A channel in the type map but not in the contract (or the reverse), or a list typed wider
// than the channels, is a type error here.
const typesMatchContract: [
  Same<keyof RequestChannels, keyof typeof REQUEST_CONTRACT>,
  Same<RequestChannel, (typeof REQUEST_CHANNELS)[number]>,
  Same<keyof EventChannels, keyof typeof EVENT_CONTRACT>,
  Same<EventChannel, (typeof EVENT_CHANNELS)[number]>,
] = [true, true, true, true];

const sorted = (values: Iterable<string>): string[] => [...values].sort();

test('the type-level checks above are compiled in', () => {
  assert.deepEqual(typesMatchContract, [true, true, true, true]);
});

test('the request channel list is exactly the channels of the contract, each once', () => {
  assert.deepEqual(sorted(REQUEST_CHANNELS), sorted(Object.keys(REQUEST_CONTRACT)));
  assert.equal(new Set(REQUEST_CHANNELS).size, REQUEST_CHANNELS.length);
  assert.ok(Object.isFrozen(REQUEST_CHANNELS), 'a list others can push to would drift from the contract');
});

test('the event channel list is exactly the channels of the contract, each once', () => {
  assert.deepEqual(sorted(EVENT_CHANNELS), sorted(Object.keys(EVENT_CONTRACT)));
  assert.equal(new Set(EVENT_CHANNELS).size, EVENT_CHANNELS.length);
  assert.ok(Object.isFrozen(EVENT_CHANNELS));
});

test('no name is both a request and an event channel', () => {
  const events = new Set<string>(EVENT_CHANNELS);
  assert.deepEqual(
    REQUEST_CHANNELS.filter((channel) => events.has(channel)),
    [],
  );
});

test('every request channel has a schema that main runs: a value no channel accepts is refused by its own schema', () => {
  for (const channel of REQUEST_CHANNELS) {
    const schema: unknown = REQUEST_CONTRACT[channel].request;
    assert.equal(typeof schema === 'object' && schema !== null && 'kind' in schema ? schema.kind : undefined, 'schema', `${channel} has no schema`);
    const result = validateRequest(channel, Symbol('nothing valid'));
    assert.equal(result.ok, false, channel);
    // Refused by the schema (the message names the request), not as an unknown channel.
    assert.match(result.ok ? '' : result.error.message, new RegExp(`^${channel}: request `), channel);
  }
});

test('the channel guards know exactly the listed channels', () => {
  for (const channel of REQUEST_CHANNELS) {
    assert.ok(isRequestChannel(channel), channel);
    assert.equal(isEventChannel(channel), false, channel);
  }
  for (const channel of EVENT_CHANNELS) {
    assert.ok(isEventChannel(channel), channel);
    assert.equal(isRequestChannel(channel), false, channel);
  }
  for (const inherited of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    assert.equal(isRequestChannel(inherited), false, inherited);
    assert.equal(isEventChannel(inherited), false, inherited);
  }
});
