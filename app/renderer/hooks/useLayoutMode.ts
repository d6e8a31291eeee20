/** Which layout the heatmaps use (a row per node, or one strip), remembered across visits in localStorage. */
import { useCallback, useState } from 'react';

export type LayoutMode = 'rows' | 'strip';

const KEY = 'numascope.heatmapLayout';

function stored(): LayoutMode {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'strip' ? 'strip' : 'rows';
  } catch {
    // Storage may be refused (a file:// page, privacy settings): the default then.
    return 'rows';
  }
}

export function useLayoutMode(): [LayoutMode, (mode: LayoutMode) => void] {
  const [mode, setMode] = useState<LayoutMode>(stored);
  const choose = useCallback((next: LayoutMode) => {
    setMode(next);
    try {
      globalThis.localStorage?.setItem(KEY, next);
    } catch {
      // Not remembered, still switched.
    }
  }, []);
  return [mode, choose];
}
