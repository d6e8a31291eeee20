/** The request validators: every channel accepts good input as is and refuses bad input with a precise reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUEST_CHANNELS, type RequestChannel, type Result } from '../../../app/common/ipc.js';
import { REQUEST_LIMITS, isEventChannel, isRequestChannel, validateRequest } from '../../../app/common/ipc-validate.js';

const plan = { pid: 1234, startTime: 5678, ranges: [{ start: '0x7f0000000000', end: '0x7f0000200000' }], toNode: 1, moveAll: false };

const heat = { pid: 1234, startTime: 5678, seconds: 5, intervalMs: 1000, source: 'auto' };

const GOOD: Record<RequestChannel, unknown[]> = {
  'system:topology': [null],
  'process:list': [null],
  'system:overview': [null],
  'process:watch': [{ pid: 1, intervalMs: 100 }, { pid: REQUEST_LIMITS.maxPid, intervalMs: REQUEST_LIMITS.maxIntervalMs }, { pid: 1, intervalMs: 100, fullEvery: 1 }],
  'process:unwatch': [null],
  'process:polling': [{}, { paused: true }, { intervalMs: 250 }, { paused: false, intervalMs: 1000 }],
  'placement:window': [
    { from: 0, to: 4_194_304, pagesPerBin: 512 },
    { from: 1000, to: 1001, pagesPerBin: 1 },
    { from: 0, to: REQUEST_LIMITS.maxWindowBins, pagesPerBin: 1 },
    { from: REQUEST_LIMITS.maxLayoutPage - 1, to: REQUEST_LIMITS.maxLayoutPage, pagesPerBin: 2 ** 20 },
  ],
  'placement:snapshot': [null],
  'move:plan': [plan, { ...plan, toNode: 0, moveAll: true, startTime: 0 }, { ...plan, ranges: [{ start: '0x0', end: '0xFFFFFFFFFFFFFFFF' }] }],
  'move:start': [plan],
  'move:node-plan': [{ pid: 4242, startTime: 1, fromNode: 0, toNode: 1 }],
  'move:node-start': [{ pid: 4242, startTime: 1, fromNode: 3, toNode: 0 }],
  'move:cancel': [{ moveId: '0f8fad5b-d9cb-469f-a165-70867728950e' }, { moveId: 'm_1' }],
  'move:undo': [{ moveId: 'abc-123' }],
  'heat:measure': [heat, { ...heat, source: 'soft-dirty', seconds: REQUEST_LIMITS.maxHeatSeconds, intervalMs: 100 }, { ...heat, source: 'damon' }],
  'heat:cancel': [null],
};

/** [request, the exact error message]. */
const BAD: Record<RequestChannel, [unknown, string][]> = {
  'system:topology': [
    [{}, 'system:topology: request must be null (this channel takes no request), got an object'],
    [undefined, 'system:topology: request must be null (this channel takes no request), got undefined'],
  ],
  'process:list': [[0, 'process:list: request must be null (this channel takes no request), got number 0']],
  'system:overview': [[{}, 'system:overview: request must be null (this channel takes no request), got an object']],
  'process:watch': [
    [null, 'process:watch: request must be an object, got null'],
    [[1, 100], 'process:watch: request must be an object, got an array'],
    [{ pid: 1 }, 'process:watch: request is missing "intervalMs"'],
    [{ pid: 0, intervalMs: 100 }, `process:watch: request.pid must be an integer from 1 to ${REQUEST_LIMITS.maxPid}, got number 0`],
    [{ pid: 1.5, intervalMs: 100 }, `process:watch: request.pid must be an integer from 1 to ${REQUEST_LIMITS.maxPid}, got number 1.5`],
    [{ pid: '12', intervalMs: 100 }, `process:watch: request.pid must be an integer from 1 to ${REQUEST_LIMITS.maxPid}, got the string "12"`],
    [{ pid: 12, intervalMs: 99 }, 'process:watch: request.intervalMs must be an integer from 100 to 3600000, got number 99'],
    [{ pid: 12, intervalMs: Number.NaN }, 'process:watch: request.intervalMs must be an integer from 100 to 3600000, got number NaN'],
    [{ pid: 12, intervalMs: 100, fullEvery: 0 }, `process:watch: request.fullEvery must be an integer from 1 to ${REQUEST_LIMITS.maxFullEvery}, got number 0`],
    [{ pid: 12, intervalMs: 100, extra: 1 }, 'process:watch: request has an unknown key "extra" (allowed: pid, intervalMs, fullEvery)'],
  ],
  'process:unwatch': [[{ pid: 1 }, 'process:unwatch: request must be null (this channel takes no request), got an object']],
  'process:polling': [
    [null, 'process:polling: request must be an object, got null'],
    [{ paused: 'yes' }, 'process:polling: request.paused must be true or false, got the string "yes"'],
    [{ intervalMs: 10 }, 'process:polling: request.intervalMs must be an integer from 100 to 3600000, got number 10'],
    [{ pause: true }, 'process:polling: request has an unknown key "pause" (allowed: paused, intervalMs)'],
  ],
  'placement:window': [
    [null, 'placement:window: request must be an object, got null'],
    [{ from: 0, to: 10 }, 'placement:window: request is missing "pagesPerBin"'],
    [{ from: -1, to: 10, pagesPerBin: 1 }, `placement:window: request.from must be an integer from 0 to ${REQUEST_LIMITS.maxLayoutPage - 1}, got number -1`],
    [{ from: 0, to: 0.5, pagesPerBin: 1 }, `placement:window: request.to must be an integer from 1 to ${REQUEST_LIMITS.maxLayoutPage}, got number 0.5`],
    [{ from: 0, to: 10, pagesPerBin: 0 }, `placement:window: request.pagesPerBin must be an integer from 1 to ${REQUEST_LIMITS.maxLayoutPage}, got number 0`],
    [{ from: 10, to: 10, pagesPerBin: 1 }, 'placement:window: request: to 10 must lie after from 10'],
    [
      { from: 0, to: 4_194_304, pagesPerBin: 32 },
      `placement:window: request asks for 131072 bins, more than the ${REQUEST_LIMITS.maxWindowBins} allowed: raise pagesPerBin`,
    ],
    [{ from: 0, to: 10, pagesPerBin: 1, sequence: 3 }, 'placement:window: request has an unknown key "sequence" (allowed: from, to, pagesPerBin)'],
  ],
  'placement:snapshot': [[{}, 'placement:snapshot: request must be null (this channel takes no request), got an object']],
  'move:plan': [
    [{ ...plan, ranges: [] }, 'move:plan: request.ranges must hold at least one range'],
    [{ ...plan, ranges: '0x1-0x2' }, 'move:plan: request.ranges must be an array of {start, end}, got the string "0x1-0x2"'],
    [
      { ...plan, ranges: [{ start: '0x1000', end: '0x2000' }, { start: '4096', end: '0x2000' }] },
      'move:plan: request.ranges[1].start must be a hex address like "0x7f0000000000" (at most 16 hex digits), got the string "4096"',
    ],
    [
      { ...plan, ranges: [{ start: '0x1000', end: '0x10000000000000000' }] },
      'move:plan: request.ranges[0].end must be a hex address like "0x7f0000000000" (at most 16 hex digits), got the string "0x10000000000000000"',
    ],
    [{ ...plan, ranges: [{ start: '0x2000', end: '0x2000' }] }, 'move:plan: request.ranges[0]: end 0x2000 must lie after start 0x2000'],
    [{ ...plan, ranges: [{ start: '0x1000', end: '0x2000', node: 1 }] }, 'move:plan: request.ranges[0] has an unknown key "node" (allowed: start, end)'],
    [{ ...plan, ranges: [{ start: 4096, end: '0x2000' }] }, 'move:plan: request.ranges[0].start must be a hex address like "0x7f0000000000" (at most 16 hex digits), got number 4096'],
    [{ ...plan, toNode: 1024 }, 'move:plan: request.toNode must be an integer from 0 to 1023, got number 1024'],
    [{ ...plan, toNode: -1 }, 'move:plan: request.toNode must be an integer from 0 to 1023, got number -1'],
    [{ ...plan, moveAll: 1 }, 'move:plan: request.moveAll must be true or false, got number 1'],
    [{ ...plan, startTime: -1 }, `move:plan: request.startTime must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got number -1`],
    [(({ moveAll: _, ...rest }) => rest)(plan), 'move:plan: request is missing "moveAll"'],
  ],
  'move:start': [
    [{ ...plan, extra: true }, 'move:start: request has an unknown key "extra" (allowed: pid, startTime, ranges, toNode, moveAll)'],
    [
      { ...plan, ranges: Array.from({ length: REQUEST_LIMITS.maxRanges + 1 }, () => ({ start: '0x1000', end: '0x2000' })) },
      `move:start: request.ranges holds ${REQUEST_LIMITS.maxRanges + 1} ranges, more than the ${REQUEST_LIMITS.maxRanges} allowed`,
    ],
  ],
  'heat:measure': [
    [{ ...heat, source: 'perf' }, 'heat:measure: request.source must be one of "auto", "soft-dirty", "damon", got the string "perf"'],
    [{ ...heat, seconds: 0 }, `heat:measure: request.seconds must be an integer from 1 to ${REQUEST_LIMITS.maxHeatSeconds}, got number 0`],
    [{ ...heat, intervalMs: 60_001 }, 'heat:measure: request.intervalMs must be an integer from 100 to 60000, got number 60001'],
    [(({ startTime: _, ...rest }) => rest)(heat), 'heat:measure: request is missing "startTime"'],
  ],
  'heat:cancel': [[{}, 'heat:cancel: request must be null (this channel takes no request), got an object']],
  'move:node-plan': [
    [{ pid: 4242, startTime: 1, fromNode: 1, toNode: 1 }, 'move:node-plan: request: toNode must differ from fromNode 1'],
    [{ pid: 4242, startTime: 1, fromNode: 0 }, 'move:node-plan: request is missing "toNode"'],
  ],
  'move:node-start': [
    [{ pid: 4242, startTime: 1, fromNode: 0, toNode: 1024 }, 'move:node-start: request.toNode must be an integer from 0 to 1023, got number 1024'],
    [{ pid: 4242, startTime: 1, fromNode: 0, toNode: 1, ranges: [] }, 'move:node-start: request has an unknown key "ranges" (allowed: pid, startTime, fromNode, toNode)'],
  ],
  'move:cancel': [
    [{ moveId: '' }, 'move:cancel: request.moveId must be a move id (letters, digits, "-" and "_", at most 64), got the string ""'],
    [{ moveId: '../etc' }, 'move:cancel: request.moveId must be a move id (letters, digits, "-" and "_", at most 64), got the string "../etc"'],
    [{ moveId: 'x'.repeat(65) }, `move:cancel: request.moveId must be a move id (letters, digits, "-" and "_", at most 64), got the string "${'x'.repeat(40)}..."`],
    [{}, 'move:cancel: request is missing "moveId"'],
  ],
  'move:undo': [[{ moveId: 7 }, 'move:undo: request.moveId must be a move id (letters, digits, "-" and "_", at most 64), got number 7']],
};

function errorOf(result: Result<unknown>): { code: string; message: string } {
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? { code: '', message: '' } : result.error;
}

test('every request channel has good and bad cases here', () => {
  assert.deepEqual(Object.keys(GOOD).sort(), [...REQUEST_CHANNELS].sort());
  assert.deepEqual(Object.keys(BAD).sort(), [...REQUEST_CHANNELS].sort());
});

for (const channel of REQUEST_CHANNELS) {
  test(`${channel}: accepts good requests unchanged`, () => {
    for (const request of GOOD[channel]) assert.deepEqual(validateRequest(channel, request), { ok: true, value: request });
  });

  test(`${channel}: refuses bad requests with INVALID_REQUEST and the exact reason`, () => {
    for (const [request, message] of BAD[channel]) assert.deepEqual(errorOf(validateRequest(channel, request)), { code: 'INVALID_REQUEST', message });
  });
}

test('the validated request is a fresh plain object, not the one received', () => {
  const received = Object.assign(Object.create(null) as object, { pid: 3, intervalMs: 500 });
  const result = validateRequest('process:watch', received);
  assert.ok(result.ok);
  assert.notEqual(result.value, received);
  assert.equal(Object.getPrototypeOf(result.value), Object.prototype);
});

test('objects with another prototype (class instances, Dates) are refused', () => {
  class Sneaky {
    pid = 1;
    intervalMs = 100;
  }
  assert.equal(errorOf(validateRequest('process:watch', new Sneaky())).message, 'process:watch: request must be an object, got an object');
  assert.equal(errorOf(validateRequest('process:polling', new Date())).message, 'process:polling: request must be an object, got an object');
});

test('an own __proto__ key from JSON is an unknown key, not a prototype change', () => {
  const parsed: unknown = JSON.parse('{"pid":1,"intervalMs":100,"__proto__":{"admin":true}}');
  assert.equal(errorOf(validateRequest('process:watch', parsed)).message, 'process:watch: request has an unknown key "__proto__" (allowed: pid, intervalMs, fullEvery)');
});

test('unknown channels are refused, and channel guards know exactly the contract channels', () => {
  assert.deepEqual(errorOf(validateRequest('fs:read' as RequestChannel, null)), { code: 'INVALID_REQUEST', message: 'unknown channel "fs:read"' });
  assert.ok(REQUEST_CHANNELS.every(isRequestChannel));
  assert.equal(isRequestChannel('placement:update'), false);
  assert.equal(isRequestChannel('toString'), false);
  assert.equal(isRequestChannel(42), false);
  assert.ok(isEventChannel('move:done'));
  assert.equal(isEventChannel('move:start'), false);
});

test('a required key present with the value undefined (possible over IPC, not in JSON) is refused', () => {
  assert.equal(
    errorOf(validateRequest('process:watch', { pid: 1, intervalMs: undefined })).message,
    'process:watch: request.intervalMs must be an integer from 100 to 3600000, got undefined',
  );
  assert.equal(errorOf(validateRequest('move:cancel', { moveId: undefined })).message, 'move:cancel: request.moveId must be a move id (letters, digits, "-" and "_", at most 64), got undefined');
});
