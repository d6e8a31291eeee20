/**
 * Who may talk to the serve-mode server. Three independent checks, because each stops a
 * different attack:
 * - Host: a DNS-rebinding page (attacker.example resolving to 127.0.0.1) reaches us with its
 *   own name in Host; only our own addresses are accepted.
 * - Origin: a page of another site sending requests to us carries its origin; only our own
 *   origin is accepted when the header is present (same-origin GETs may omit it).
 * - Token: the secret printed in the URL, required for every /api request, so another local
 *   user or a site that guessed the port still cannot read placement or move memory.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** 24 random bytes: 192 bits, URL safe without escaping. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares digests so the time taken tells nothing about how much of the token matched. */
function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer TOKEN`, or `?token=TOKEN` for EventSource, which cannot set headers. */
export function presentedToken(request: IncomingMessage, url: URL): string | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? '';
  }
  return url.searchParams.get('token');
}

export function checkToken(request: IncomingMessage, url: URL, token: string): Refusal | null {
  const given = presentedToken(request, url);
  if (given === null) {
    return { status: 401, code: 'UNAUTHORIZED', message: 'missing token: open the URL numascope serve printed, or send Authorization: Bearer TOKEN' };
  }
  if (!sameSecret(token, given)) return { status: 403, code: 'FORBIDDEN', message: 'wrong token: use the URL numascope serve printed this time' };
  return null;
}

function hostPart(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

/**
 * One Host value the user vouches for (`serve --allow-host`), for a browser that reaches
 * this server through a port forward or tunnel whose outer port (or name) the server cannot
 * know, e.g. `ssh -L 9000:127.0.0.1:8080` or a VM's hostfwd. It must be an exact NAME:PORT,
 * never a pattern: DNS-rebinding protection rests on every accepted name being one the user
 * chose, so an attacker's name can only get in if the user typed it. Returns it in the form
 * checkHost compares (lower case); throws RangeError when it is not NAME:PORT.
 */
export function parseAllowedHost(text: string): string {
  const value = text.trim().toLowerCase();
  const match = /^(\[([0-9a-f:.]+)\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || (match[2] !== undefined && isIP(match[2]) !== 6) || !(port >= 1 && port <= 65535)) {
    throw new RangeError(`"${text}" is not HOST:PORT (e.g. 127.0.0.1:9000, localhost:9000 or [::1]:9000)`);
  }
  return value;
}

/**
 * Host header values (lower case) that name this server: loopback by address and by name,
 * the bind address, for a wildcard bind every local interface address, and `extra`
 * (already checked by parseAllowedHost).
 */
export function allowedHosts(bindAddress: string, port: number, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(['127.0.0.1', 'localhost']);
  if (isWildcard(bindAddress)) {
    names.add('[::1]');
    for (const list of Object.values(networkInterfaces())) {
      for (const entry of list ?? []) names.add(hostPart(entry.address.replace(/%.*$/, '')));
    }
  } else {
    names.add(hostPart(bindAddress));
  }
  return new Set([...[...names].map((name) => `${name.toLowerCase()}:${port}`), ...extra]);
}

export function checkHost(request: IncomingMessage, hosts: ReadonlySet<string>): Refusal | null {
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || !hosts.has(host)) {
    return { status: 403, code: 'FORBIDDEN_HOST', message: `refused: Host ${JSON.stringify(host ?? '')} is not this server (use the printed URL; through a port forward, start serve with --allow-host)` };
  }
  return null;
}

/** Our origins are exactly http:// plus an allowed Host. */
export function checkOrigin(request: IncomingMessage, hosts: ReadonlySet<string>): Refusal | null {
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  const match = /^http:\/\/([^/]+)$/i.exec(origin);
  if (!match?.[1] || !hosts.has(match[1].toLowerCase())) {
    return { status: 403, code: 'FORBIDDEN_ORIGIN', message: `refused: requests from origin ${JSON.stringify(origin)} are not allowed` };
  }
  return null;
}

/**
 * Fetch metadata, where the browser sends it, says the same more directly: an API call from
 * another site is refused even if it somehow carried no Origin. (Not applied to the page
 * itself: following a link to it from elsewhere is fine, the token is in the link.)
 */
export function checkFetchSite(request: IncomingMessage): Refusal | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return { status: 403, code: 'FORBIDDEN_ORIGIN', message: `refused: ${site} request` };
  }
  return null;
}
