/**
 * Hand-written checks of a timeline's lines (the header, polls, marks, the end), each failure
 * one line naming the field (`poll 3: changed[0][2][1]: ...`). Only known keys are read, and
 * every value is rebuilt, so nothing on the input's prototype gets through.
 */
import { HEX_ADDRESS } from '../address.js';
import { quote, SnapshotError } from '../snapshot/error.js';
import { MAX_STATUS, MIN_STATUS, type SnapshotRun } from '../snapshot/schema.js';
import {
  END_REASONS,
  MARK_KINDS,
  POLL_KINDS,
  TIMELINE_FORMAT,
  TIMELINE_VERSION,
  type AddedRegion,
  type ChangedRuns,
  type PollTotals,
  type TimelineEnd,
  type TimelineHeader,
  type TimelineMark,
  type TimelinePoll,
} from './format.js';

type Json = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new SnapshotError(`${path}: ${message}`);
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(object: Json, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function integer(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(path, `must be an integer in [${min}, ${max}], got ${quote(value)}`);
  }
  return value === 0 ? 0 : value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `must be a string, got ${quote(value)}`);
  return value;
}

function hexText(value: unknown, path: string): string {
  if (typeof value !== 'string' || !HEX_ADDRESS.test(value)) fail(path, `must be a hex address string like "0x7f0000000000", got ${quote(value)}`);
  return value;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${quote(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(path, `must be one of ${allowed.join(', ')}, got ${quote(value)}`);
  return value as T;
}

/** Runs, counted against `budget` (runs left in the file); returns them rebuilt. */
export function checkRuns(value: unknown, path: string, budget: { left: number }): SnapshotRun[] {
  const runs = list(value, path);
  budget.left -= runs.length;
  if (budget.left < 0) fail(path, 'the timeline holds more runs in all than numascope reads (see "Limits" in docs/snapshot-format.md)');
  return runs.map((run, i): SnapshotRun => {
    if (!Array.isArray(run) || run.length !== 2) fail(`${path}[${i}]`, 'must be a [pageCount, status] pair');
    return [integer(run[0], `${path}[${i}][0]`, 1), integer(run[1], `${path}[${i}][1]`, MIN_STATUS, MAX_STATUS)];
  });
}

function counts(value: unknown, path: string, key: RegExp): Record<string, number> {
  if (!isObject(value)) fail(path, `must be an object, got ${quote(value)}`);
  const out: Record<string, number> = {};
  for (const name of Object.keys(value)) {
    if (!key.test(name)) fail(path, `key ${quote(name)} is not a ${key === NODE_KEY ? 'node id' : 'negative errno'}`);
    out[name] = integer(value[name], `${path}[${JSON.stringify(name)}]`);
  }
  return out;
}

const NODE_KEY = /^(0|[1-9]\d{0,3})$/;
const ERRNO_KEY = /^-[1-9]\d{0,3}$/;

function totals(value: unknown, path: string): PollTotals {
  if (!isObject(value)) fail(path, `must be an object, got ${quote(value)}`);
  return { byNode: counts(own(value, 'byNode'), `${path}.byNode`, NODE_KEY), byStatus: counts(own(value, 'byStatus'), `${path}.byStatus`, ERRNO_KEY) };
}

export function checkHeader(value: unknown): TimelineHeader {
  const path = 'line 1';
  if (!isObject(value) || own(value, 'format') !== TIMELINE_FORMAT) fail(path, `not a numascope timeline (its first line must have "format": "${TIMELINE_FORMAT}")`);
  if (own(value, 'version') !== TIMELINE_VERSION) fail(`${path}: version`, `must be ${TIMELINE_VERSION}, got ${quote(own(value, 'version'))} (a newer numascope wrote it?)`);
  const tool = own(value, 'tool');
  const startedAt = text(own(value, 'startedAt'), `${path}: startedAt`);
  if (!Number.isFinite(Date.parse(startedAt))) fail(`${path}: startedAt`, `must be an ISO 8601 time, got ${quote(startedAt)}`);
  return {
    format: TIMELINE_FORMAT,
    version: TIMELINE_VERSION,
    tool: isObject(tool) ? { name: text(own(tool, 'name'), `${path}: tool.name`), version: text(own(tool, 'version'), `${path}: tool.version`) } : null,
    intervalMs: integer(own(value, 'intervalMs'), `${path}: intervalMs`, 1),
    startedAt,
  };
}

function added(value: unknown, path: string, budget: { left: number }): AddedRegion {
  if (!isObject(value)) fail(path, `must be an object, got ${quote(value)}`);
  const perms = text(own(value, 'perms'), `${path}.perms`);
  if (!/^[r-][w-][x-][ps]$/.test(perms)) fail(`${path}.perms`, `must look like "rw-p", got ${quote(perms)}`);
  const dev = text(own(value, 'dev'), `${path}.dev`);
  if (!/^[0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,8}$/.test(dev)) fail(`${path}.dev`, `must look like "fd:01", got ${quote(dev)}`);
  return {
    start: hexText(own(value, 'start'), `${path}.start`),
    end: hexText(own(value, 'end'), `${path}.end`),
    perms,
    offset: hexText(own(value, 'offset'), `${path}.offset`),
    dev,
    inode: integer(own(value, 'inode'), `${path}.inode`),
    path: text(own(value, 'path'), `${path}.path`),
    runs: checkRuns(own(value, 'runs'), `${path}.runs`, budget),
  };
}

function optionalList(value: Json, key: string, path: string): unknown[] {
  const item = own(value, key);
  return item === undefined ? [] : list(item, `${path}: ${key}`);
}

export function checkPoll(value: Json, path: string, budget: { left: number }): TimelinePoll {
  const removed = optionalList(value, 'removed', path).map((pair, i): [string, string] => {
    const at = `${path}: removed[${i}]`;
    if (!Array.isArray(pair) || pair.length !== 2) fail(at, 'must be a [start, end] pair');
    return [hexText(pair[0], `${at}[0]`), hexText(pair[1], `${at}[1]`)];
  });
  const changed = optionalList(value, 'changed', path).map((entry, i): ChangedRuns => {
    const at = `${path}: changed[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 3) fail(at, 'must be a [region, firstPage, runs] triple');
    return [integer(entry[0], `${at}[0]`), integer(entry[1], `${at}[1]`), checkRuns(entry[2], `${at}[2]`, budget)];
  });
  const poll: TimelinePoll = {
    poll: integer(own(value, 'poll'), `${path}: poll`, 1),
    t: integer(own(value, 't'), `${path}: t`),
    kind: oneOf(own(value, 'kind'), POLL_KINDS, `${path}: kind`),
    totals: totals(own(value, 'totals'), `${path}: totals`),
    removed,
    added: optionalList(value, 'added', path).map((region, i) => added(region, `${path}: added[${i}]`, budget)),
    changed,
  };
  const locality = own(value, 'locality');
  if (locality !== undefined) {
    if (typeof locality !== 'number' || !(locality >= 0 && locality <= 1)) fail(`${path}: locality`, `must be a number from 0 to 1, got ${quote(locality)}`);
    poll.locality = locality;
  }
  const basis = own(value, 'localityBasis');
  if (basis !== undefined) {
    if (locality === undefined) fail(`${path}: localityBasis`, 'is given without a locality');
    poll.localityBasis = oneOf(basis, ['threads'] as const, `${path}: localityBasis`);
  }
  return poll;
}

export function checkMark(value: Json, path: string): TimelineMark {
  return {
    mark: oneOf(own(value, 'mark'), MARK_KINDS, `${path}: mark`),
    t: integer(own(value, 't'), `${path}: t`),
    poll: integer(own(value, 'poll'), `${path}: poll`),
    text: text(own(value, 'text'), `${path}: text`),
  };
}

export function checkEnd(value: Json, path: string): TimelineEnd {
  return { end: oneOf(own(value, 'end'), END_REASONS, `${path}: end`), polls: integer(own(value, 'polls'), `${path}: polls`, 1), t: integer(own(value, 't'), `${path}: t`) };
}
