// What scripts/screenshots-guest.mjs (on the host) and scripts/screenshots-in-guest.mjs (in
// the two-node QEMU guest) tell each other through the guest's output folder, a 9p share both
// see uncached. Files appear by rename, so neither side reads a half-written one.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The port serve listens on in the guest; the host reaches it through QEMU's forward. */
export const GUEST_PORT = 8080;

export const FILES = {
  /** guest -> host: redis is filled and serve is listening: { pid, url, keys, usedMemory, fillSeconds }. */
  ready: 'ready.json',
  /** guest -> host: redis's /proc/PID/maps and numa_maps when serve came up. */
  maps: 'redis.maps',
  before: 'before.numa_maps',
  /** host -> guest: the page reported the range move; read numa_maps. */
  moved: 'moved',
  after: 'after.numa_maps',
  /** host -> guest: keep redis writing (redis-benchmark) while the page measures heat; guest -> host: it does. */
  load: 'load',
  loading: 'loading',
  /** host -> guest: the measurement is over, stop writing; guest -> host: stopped. */
  unload: 'unload',
  unloaded: 'unloaded',
  /** host -> guest: the page reported the whole-node move; read numa_maps. */
  nodeMoved: 'node-moved',
  afterNode: 'after-node.numa_maps',
  /** host -> guest: done; stop serve and redis and power off. */
  finish: 'finish',
  /** guest -> host: the guest side gave up; why. */
  failed: 'failed.txt',
};

export function writeAtomically(dir, name, text) {
  const partial = join(dir, `.${name}.partial`);
  writeFileSync(partial, text);
  renameSync(partial, join(dir, name));
}

export function present(dir, name) {
  return existsSync(join(dir, name));
}

export function readExchanged(dir, name) {
  return readFileSync(join(dir, name), 'utf8');
}

/**
 * numa_maps as a list of { start, pages: { node: count } }, read here rather than with
 * numascope's reader, so that the check of a move does not share a bug with the code moving.
 */
export function parseNumaMaps(text) {
  const mappings = [];
  for (const line of text.split('\n')) {
    const [address, ...fields] = line.trim().split(/\s+/);
    if (address === undefined || !/^[0-9a-f]+$/.test(address)) continue;
    const pages = {};
    for (const field of fields) {
      const match = /^N(\d+)=(\d+)$/.exec(field);
      if (match) pages[match[1]] = Number(match[2]);
    }
    mappings.push({ start: BigInt(`0x${address}`), pages });
  }
  return mappings;
}

/** /proc/PID/maps as { start, end, path } per line. */
export function parseMaps(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [range, , , , , path = ''] = line.trim().split(/\s+/);
      const [start, end] = range.split('-').map((hex) => BigInt(`0x${hex}`));
      return { start, end, path };
    });
}

/** Pages on `node` summed over the mappings that start inside [from, to). */
export function nodePagesIn(mappings, node, from, to) {
  return mappings.filter((m) => m.start >= from && m.start < to).reduce((sum, m) => sum + (m.pages[node] ?? 0), 0);
}

/** Pages on `node` over every mapping. */
export function nodePagesTotal(mappings, node) {
  return mappings.reduce((sum, m) => sum + (m.pages[node] ?? 0), 0);
}
