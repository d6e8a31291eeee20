/**
 * libnuma.so.1, loaded once for both the async bindings (index.ts) and the sampler worker's
 * synchronous ones (sync.ts), with the one install hint a missing library gets.
 */
import koffi, { type LibraryHandle } from 'koffi';

export type NativeFunction = ReturnType<LibraryHandle['func']>;

/** move_pages as libnuma declares it; status is written, the rest only read. */
export const MOVE_PAGES = 'long move_pages(int pid, unsigned long count, void **pages, const int *nodes, _Out_ int *status, int flags)';

/** `make` run on first use, its result kept; a throw is not kept, so the next use tries again. */
export function lazily<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export const libnuma = lazily((): LibraryHandle => {
  try {
    return koffi.load('libnuma.so.1');
  } catch (cause) {
    throw new Error('cannot load libnuma.so.1: install the libnuma1 package (Debian/Ubuntu: apt-get install libnuma1)', { cause });
  }
});
