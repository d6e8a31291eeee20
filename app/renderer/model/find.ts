/**
 * Finding a region or a page from what a user types: an address (hex, with or without 0x)
 * or a region name such as "[heap]" or "libc".
 */
import { hex } from '../../common/address.js';
import { positionOfAddress, regionAtAddress, type Layout, type LayoutRegion } from './layout.js';

const LOOSE_HEX = /^(?:0x)?([0-9a-f]{1,16})$/i;

/** "0x7f00", "7F00" -> the address; anything else -> null. */
export function parseLooseAddress(text: string): bigint | null {
  const match = LOOSE_HEX.exec(text.trim());
  return match === null ? null : BigInt(`0x${match[1] as string}`);
}

/** Whether the region table's filter `term` (lower case) picks `region`: name, start, perms, or an address inside it. */
export function regionMatches(region: LayoutRegion, term: string): boolean {
  if (term === '') return true;
  if (region.name.toLowerCase().includes(term) || hex(region.start).includes(term) || region.perms.includes(term)) return true;
  const address = parseLooseAddress(term);
  return address !== null && region.start <= address && address < region.end;
}

export type Found =
  | { kind: 'page'; region: LayoutRegion; page: number; address: bigint }
  | { kind: 'region'; region: LayoutRegion }
  | { kind: 'none'; message: string };

/** The page at an address, else the region a name names (an exact name first, then the first that contains the text). */
export function findInLayout(layout: Layout, text: string): Found {
  const term = text.trim();
  if (term === '') return { kind: 'none', message: 'Type an address or a region name.' };
  const address = parseLooseAddress(term);
  if (address !== null) {
    const region = regionAtAddress(layout, address);
    if (region !== undefined) {
      const page = positionOfAddress(layout, address).page;
      const pageStart = address - (address % BigInt(layout.pageSize));
      return { kind: 'page', region, page, address: pageStart };
    }
  }
  const lower = term.toLowerCase();
  const named = layout.regions.filter((r) => r.pages > 0);
  const region =
    named.find((r) => r.name.toLowerCase() === lower) ?? named.find((r) => r.name.toLowerCase().includes(lower)) ?? named.find((r) => r.path.toLowerCase().includes(lower));
  if (region !== undefined) return { kind: 'region', region };
  if (address !== null) return { kind: 'none', message: `${hex(address)} is not in any region shown.` };
  return { kind: 'none', message: `No region is named like “${term}”.` };
}
