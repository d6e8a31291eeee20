/**
 * The system view's data: 'system:overview' asked again a few seconds after each answer
 * (never two readings in flight), while the view is shown and not paused.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SystemOverview } from '../../common/system-overview.js';
import type { AppTransport } from '../transport/pick.js';

export const OVERVIEW_REFRESH_MS = 3000;

export interface SystemOverviewState {
  overview: SystemOverview | null;
  error: string | null;
  paused: boolean;
  setPaused(paused: boolean): void;
  refresh(): void;
}

export function useSystemOverview(transport: AppTransport, everyMs: number = OVERVIEW_REFRESH_MS): SystemOverviewState {
  const [overview, setOverview] = useState<SystemOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  // Bumped to ask now; the effect below restarts its cycle from it.
  const [asked, setAsked] = useState(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      const result = await transport.request('system:overview', null);
      if (stopped) return;
      if (result.ok) {
        setOverview(result.value);
        setError(null);
      } else setError(result.error.message);
      if (!pausedRef.current) timer = setTimeout(() => void load(), everyMs);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [transport, everyMs, asked, paused]);

  const refresh = useCallback(() => setAsked((n) => n + 1), []);
  return { overview, error, paused, setPaused, refresh };
}
