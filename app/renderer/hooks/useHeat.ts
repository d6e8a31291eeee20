/**
 * Heat of the watched process: a measurement asked for from the page ('heat:measure'), its
 * progress ('heat:progress'), cancel, and the last report, kept while the same process
 * (pid and start time) is shown. A refusal is kept as its one line, for the panel to show.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HeatChoice, WireHeatReport } from '../../common/heat.js';
import type { HeatIntervalWire } from '../../common/ipc.js';
import type { AppTransport } from '../transport/pick.js';

export interface HeatTarget {
  pid: number;
  startTime: number;
}

export type HeatState =
  | { phase: 'idle' }
  | { phase: 'measuring'; done: number; total: number; cancelling: boolean }
  | { phase: 'failed'; code: string; message: string };

export interface HeatSettings {
  seconds: number;
  source: HeatChoice;
}

export interface Heat {
  state: HeatState;
  /** The latest report for the process shown, kept through later failures. */
  report: WireHeatReport | null;
  /** The latest interval of a measurement of the process shown, for the chart over time; null until one ends. */
  lastInterval: HeatIntervalWire | null;
  measure(settings: HeatSettings): Promise<void>;
  cancel(): Promise<void>;
}

/** Intervals of one second, or shorter so that a short window still has a few. */
export function intervalFor(seconds: number): number {
  return seconds >= 4 ? 1000 : Math.max(100, Math.floor((seconds * 1000) / 4));
}

export function useHeat(transport: AppTransport | null, target: HeatTarget | null): Heat {
  const [state, setState] = useState<HeatState>({ phase: 'idle' });
  const [report, setReport] = useState<WireHeatReport | null>(null);
  const [lastInterval, setLastInterval] = useState<HeatIntervalWire | null>(null);
  const key = target === null ? null : `${target.pid}:${target.startTime}`;
  const shown = useRef(key);

  // Another process shown: its predecessor's heat says nothing about it.
  useEffect(() => {
    shown.current = key;
    setReport(null);
    setLastInterval(null);
    setState({ phase: 'idle' });
  }, [key]);

  useEffect(() => {
    if (transport === null) return;
    return transport.subscribe('heat:progress', (event) => {
      const interval = event.interval;
      if (interval !== undefined && shown.current?.startsWith(`${event.pid}:`) === true) setLastInterval(interval);
      setState((current) => (current.phase === 'measuring' && shown.current?.startsWith(`${event.pid}:`) === true ? { ...current, done: event.done, total: event.total } : current));
    });
  }, [transport]);

  const measure = useCallback(
    async ({ seconds, source }: HeatSettings): Promise<void> => {
      if (transport === null || target === null) return;
      const asked = `${target.pid}:${target.startTime}`;
      const intervalMs = intervalFor(seconds);
      setState({ phase: 'measuring', done: 0, total: Math.max(1, Math.round((seconds * 1000) / intervalMs)), cancelling: false });
      const result = await transport.request('heat:measure', { pid: target.pid, startTime: target.startTime, seconds, intervalMs, source });
      if (shown.current !== asked) return;
      if (result.ok) {
        setReport(result.value);
        setState({ phase: 'idle' });
      } else setState({ phase: 'failed', code: result.error.code, message: result.error.message });
    },
    [transport, target],
  );

  const cancel = useCallback(async (): Promise<void> => {
    if (transport === null) return;
    setState((current) => (current.phase === 'measuring' ? { ...current, cancelling: true } : current));
    await transport.request('heat:cancel', null);
  }, [transport]);

  return { state, report, lastInterval, measure, cancel };
}
