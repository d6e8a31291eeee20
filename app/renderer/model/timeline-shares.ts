/**
 * The chart's shares over time, on a 0-100% scale: locality per poll (a line broken where a
 * poll has none) and heat per interval of a measurement (joined within one measurement).
 */
import type { HeatPoint, PollPoint } from './timeline.js';

type Scale = (value: number) => number;

/** The locality line: a move to each poll that follows one without a figure. */
export function localityPath(points: readonly PollPoint[], x: Scale, y: Scale): string {
  let path = '';
  let drawing = false;
  for (const point of points) {
    if (point.locality === null) {
      drawing = false;
      continue;
    }
    path += `${drawing ? 'L' : 'M'}${x(point.at).toFixed(1)},${y(point.locality).toFixed(1)}`;
    drawing = true;
  }
  return path;
}

/**
 * The heat line: one measurement's intervals follow each other at its interval, so a gap of
 * more than twice the one before starts another measurement's line.
 */
export function heatPath(heat: readonly HeatPoint[], x: Scale, y: Scale): string {
  let path = '';
  let runGap: number | null = null;
  heat.forEach((point, i) => {
    const before = heat[i - 1];
    const step = before === undefined ? null : point.at - before.at;
    const joined = step !== null && (runGap === null || step <= 2 * runGap);
    runGap = joined ? step : null;
    path += `${joined ? 'L' : 'M'}${x(point.at).toFixed(1)},${y(point.share).toFixed(1)}`;
  });
  return path;
}

/** The heat of poll `index`: the last interval that ended after the poll before it and by it; null when none did. */
export function heatOfPoll(points: readonly PollPoint[], index: number, heat: readonly HeatPoint[]): HeatPoint | null {
  const point = points[index];
  if (point === undefined) return null;
  const after = points[index - 1]?.at ?? -Infinity;
  let found: HeatPoint | null = null;
  for (const h of heat) if (h.at > after && h.at <= point.at) found = h;
  return found;
}

export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
