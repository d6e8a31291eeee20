/**
 * libnuma.so.1, loaded once for both the async bindings (index.ts) and the sampler worker's
 * synchronous ones (sync.ts), with the one install hint a missing library gets.
 */
import koffi, { type LibraryHandle } from 'koffi';

export type NativeFunction = ReturnType<LibraryHandle['func']>;

/** move_pages as libnuma declares it; status is written, the rest only read. */
export const MOVE_PAGES = 'long move_pages(int pid, unsigned long count, void **pages, const int *nodes, _Out_ int *status, int flags)';

let library: LibraryHandle | undefined;

export function libnuma(): LibraryHandle {
  if (library) return library;
  try {
    library = koffi.load('libnuma.so.1');
  } catch (cause) {
    throw new Error('cannot load libnuma.so.1: install the libnuma1 package (Debian/Ubuntu: apt-get install libnuma1)', { cause });
  }
  return library;
}
