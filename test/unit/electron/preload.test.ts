/**
 * The bundled preload (dist/preload/preload.cjs), run as Electron's sandbox runs it: a
 * script whose `require` knows only 'electron', here a fake one that records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import type { Transport } from '../../../app/common/ipc.js';
import { SHELL_OPEN_FILE_CHANNEL } from '../../../app/common/ipc-shell.js';
import { repoRoot } from '../../helpers/target.js';

const bundle = join(repoRoot, 'dist', 'preload', 'preload.cjs');
if (!existsSync(bundle)) {
  const built = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-preload.mjs')], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
}

type Relay = (event: object, payload: unknown) => void;

interface Loaded {
  exposed: { name: string; api: unknown }[];
  invoked: unknown[][];
  listeners: Map<string, Relay[]>;
  required: string[];
  api: Transport;
}

function load(invokeAnswer: (channel: string, payload: unknown) => Promise<unknown> = async (channel, payload) => ({ ok: true, value: { channel, payload } })): Loaded {
  const exposed: Loaded['exposed'] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Relay[]>();
  const required: string[] = [];
  const ipcRenderer = {
    invoke: (...args: unknown[]) => {
      invoked.push(args);
      return invokeAnswer(args[0] as string, args[1]);
    },
    on: (channel: string, listener: Relay) => listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
    removeListener: (channel: string, listener: Relay) => listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener)),
  };
  const electron = { contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.push({ name, api }) }, ipcRenderer };
  const requireInSandbox = (name: string): unknown => {
    required.push(name);
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
    return electron;
  };
  const module = { exports: {} };
  runInNewContext(readFileSync(bundle, 'utf8'), { require: requireInSandbox, module, exports: module.exports, console });
  assert.equal(exposed.length, 1);
  return { exposed, invoked, listeners, required, api: exposed[0]?.api as Transport };
}

test('the bundle requires only electron and exposes one global, window.numascope, with request and subscribe only', () => {
  const { exposed, required } = load();
  assert.deepEqual(required, ['electron']);
  assert.equal(exposed[0]?.name, 'numascope');
  const api = exposed[0]?.api as Record<string, unknown>;
  assert.deepEqual(Object.keys(api).sort(), ['request', 'subscribe']);
  assert.ok(Object.values(api).every((value) => typeof value === 'function'), 'only functions cross the bridge: no ipcRenderer');
});

test('request invokes the channel with the request and resolves with main\'s Result', async () => {
  const { api, invoked } = load();
  const result = await api.request('process:watch', { pid: 12, intervalMs: 500 });
  assert.deepEqual(result, { ok: true, value: { channel: 'process:watch', payload: { pid: 12, intervalMs: 500 } } });
  assert.deepEqual(invoked, [['process:watch', { pid: 12, intervalMs: 500 }]]);
});

test('request refuses channels outside the contract without sending anything', async () => {
  const { api, invoked } = load();
  const result = await (api.request as (channel: string, request: unknown) => Promise<unknown>)('fs:readFile', '/etc/shadow');
  assert.deepEqual(JSON.parse(JSON.stringify(result)), { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'no request channel "fs:readFile"' } });
  assert.deepEqual(invoked, []);
});

test('a failed invoke (no handler in main) becomes an error value, not a rejection', async () => {
  const { api } = load(async () => {
    throw new Error("No handler registered for 'process:list'");
  });
  const result = await api.request('process:list', null);
  assert.deepEqual(JSON.parse(JSON.stringify(result)), { ok: false, error: { code: 'IPC_FAILED', message: "No handler registered for 'process:list'" } });
});

test('subscribe hands listeners the payload only, and its return value unsubscribes once', () => {
  const { api, listeners } = load();
  const seen: unknown[][] = [];
  const unsubscribe = api.subscribe('move:progress', (...args: unknown[]) => seen.push(args));
  const relays = listeners.get('move:progress') ?? [];
  assert.equal(relays.length, 1);
  const payload = { moveId: 'm1', phase: 'move', done: 1, total: 2 };
  relays[0]?.({ sender: 'the ipcRenderer the page must never get' }, payload);
  assert.deepEqual(seen, [[payload]]);
  unsubscribe();
  unsubscribe();
  assert.deepEqual(listeners.get('move:progress'), []);
});

test('subscribe refuses channels outside the contract', () => {
  const { api, listeners } = load();
  assert.throws(() => (api.subscribe as (channel: string, listener: () => void) => void)('process:watch', () => {}), { message: 'no event channel "process:watch"' });
  assert.throws(() => (api.subscribe as (channel: string, listener: unknown) => void)('move:done', 'not a function'), { message: 'subscribe needs a listener function' });
  // Only the shell's own open-file message is listened to, registered when the preload loads.
  assert.deepEqual([...listeners.keys()], [SHELL_OPEN_FILE_CHANNEL]);
});
