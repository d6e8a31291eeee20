/**
 * Addresses as numascope writes and reads them everywhere: "0x" and lower-case hex digits on
 * the way out, at most 16 hex digits (a 64-bit address) on the way in, as the wire, snapshot
 * files and the viewer carry them. Pure: shared by the CLI, main process and renderer.
 */

/** An address as text: "0x7f3a40000000". */
export type HexAddress = `0x${string}`;

/** [start, end): start inclusive, end exclusive. */
export interface AddressRange {
  start: bigint;
  end: bigint;
}

export const HEX_ADDRESS = /^0x[0-9a-fA-F]{1,16}$/;

export function isHexAddress(value: unknown): value is HexAddress {
  return typeof value === 'string' && HEX_ADDRESS.test(value);
}

export function hex(address: bigint): HexAddress {
  return `0x${address.toString(16)}`;
}

/** "0x7f00" -> 0x7f00n; throws on anything else. */
export function parseHexAddress(text: string): bigint {
  if (!isHexAddress(text)) throw new Error(`not a hex address: ${text}`);
  return BigInt(text);
}
