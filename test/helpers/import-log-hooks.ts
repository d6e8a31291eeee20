/** Module hooks for import-log.ts: run on the loader's own thread, so they log to a file. */
import { appendFileSync } from 'node:fs';

interface Resolved {
  url: string;
}

type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<Resolved> {
  const resolved = await next(specifier, context);
  const log = process.env.NUMASCOPE_IMPORT_LOG;
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
