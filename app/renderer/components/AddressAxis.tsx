/**
 * Hex addresses under the heatmaps: a tick at each region start and at round addresses
 * inside regions, as many as fit without their labels touching (model/axis.ts).
 */
import { useMemo } from 'react';
import { addressTicks } from '../model/axis.js';
import type { Layout } from '../model/layout.js';
import type { View } from '../model/view.js';

export const AXIS_HEIGHT = 18;

interface Props {
  layout: Layout;
  view: View;
}

export function AddressAxis({ layout, view }: Props) {
  const ticks = useMemo(() => addressTicks(layout, view), [layout, view]);
  return (
    <svg className="address-axis" data-testid="address-axis" width="100%" height={AXIS_HEIGHT} aria-label="Address axis">
      {ticks.map((tick) => (
        <g key={tick.label} transform={`translate(${Math.round(tick.x) + 0.5},0)`} className={tick.regionStart ? 'region-start' : undefined}>
          <line y1={0} y2={tick.regionStart ? 7 : 4} />
          <text x={3} y={14} data-address={tick.label}>
            {tick.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
