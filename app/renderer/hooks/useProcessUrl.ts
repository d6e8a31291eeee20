/**
 * The URL follows the view: the page view of a process puts its pid and start time in the
 * query (`?pid=..&start=..`, beside the token and interval), so a reload or a shared link
 * opens the same process, and a link whose pid now names another process says so. Opening a
 * process pushes a history entry; Back returns to the system view (or the process before).
 */
import { useCallback, useEffect, useRef } from 'react';
import { pidFromSearch, searchForProcess, startFromSearch } from '../model/processes.js';
import type { Notify } from './useNotice.js';
import type { Watch } from './useWatchedProcess.js';

interface Options {
  watch: Watch | null;
  /** Opens a process's page view (starts watching it). */
  open(pid: number): void;
  /** Back to the system view (stops watching). */
  close(): void;
  notify: Notify;
}

function urlWith(search: string): string {
  return `${window.location.pathname}${search}${window.location.hash}`;
}

export function useProcessUrl({ watch, open, close, notify }: Options): { showSystem(): void } {
  const watchedPid = useRef<number | null>(null);
  watchedPid.current = watch?.pid ?? null;
  const identity = watch?.identity ?? null;

  useEffect(() => {
    if (identity === null) return;
    const current = window.location.search;
    const wanted = searchForProcess(current, identity);
    if (wanted === current) return;
    const linkedPid = pidFromSearch(current);
    const linkedStart = startFromSearch(current);
    if (linkedPid === identity.pid) {
      if (linkedStart !== null && linkedStart !== identity.startTime) {
        notify({ kind: 'error', text: `pid ${identity.pid} now names another process (${identity.comm}, started at tick ${identity.startTime}); the link was to the one started at tick ${linkedStart}.` });
      }
      // The entry that asked for this pid: completed with the start time, not a new one.
      window.history.replaceState(null, '', urlWith(wanted));
    } else {
      window.history.pushState(null, '', urlWith(wanted));
    }
  }, [identity, notify]);

  // A watch that ended without the user leaving (refused, or the process became unreadable)
  // leaves the system view on screen: the address says so too, so a reload does not retry it.
  const hadWatch = useRef(false);
  useEffect(() => {
    const had = hadWatch.current;
    hadWatch.current = watch !== null;
    if (!had || watch !== null || pidFromSearch(window.location.search) === null) return;
    window.history.replaceState(null, '', urlWith(searchForProcess(window.location.search, null)));
  }, [watch]);

  useEffect(() => {
    const onPop = (): void => {
      const pid = pidFromSearch(window.location.search);
      if (pid === null) close();
      else if (pid !== watchedPid.current) open(pid);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [open, close]);

  const showSystem = useCallback(() => {
    const system = searchForProcess(window.location.search, null);
    if (system !== window.location.search) window.history.pushState(null, '', urlWith(system));
    close();
  }, [close]);

  return { showSystem };
}
