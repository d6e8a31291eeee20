/**
 * The heat overlay: a band under the node panels, on the same x as they are (one x is one
 * address), darker where a range was used in more of the measured intervals. Painted when the
 * view, the size or the heat changes; nothing else of the heatmaps waits for it.
 */
import { useEffect, useRef, useState } from 'react';
import { spanAtPage, type HeatSpan } from '../model/heat.js';
import { pageOfX, xOfPage, type View } from '../model/view.js';

export const HEAT_BAND_HEIGHT = 14;

interface Props {
  spans: readonly HeatSpan[];
  view: View;
  width: number;
  dpr: number;
  /** What the heat means, in words ("writes only (soft-dirty)"). */
  label: string;
}

/** Heat 0..1 as a colour: a warm ramp from pale to deep red, opaque enough to read at 0.05. */
export function heatColour(heat: number): string {
  const t = Math.min(1, Math.max(0, heat));
  return `rgba(${Math.round(250 - 60 * t)}, ${Math.round(170 - 150 * t)}, ${Math.round(60 - 40 * t)}, ${(0.3 + 0.7 * t).toFixed(3)})`;
}

export function HeatBand({ spans, view, width, dpr, label }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hovered, setHovered] = useState<HeatSpan | null>(null);
  useEffect(() => {
    const element = canvas.current;
    if (element === null || width <= 0) return;
    element.width = Math.round(width * dpr);
    element.height = Math.round(HEAT_BAND_HEIGHT * dpr);
    const context = element.getContext('2d');
    if (context === null) return;
    context.scale(dpr, dpr);
    context.clearRect(0, 0, width, HEAT_BAND_HEIGHT);
    // Cooler first, so a pixel that holds several ranges shows the hottest.
    for (const span of [...spans].sort((a, b) => a.heat - b.heat)) {
      const x0 = Math.max(0, xOfPage(view, span.start));
      const x1 = Math.min(width, xOfPage(view, span.end));
      if (x1 <= 0 || x0 >= width) continue;
      context.fillStyle = heatColour(span.heat);
      context.fillRect(x0, 0, Math.max(1, x1 - x0), HEAT_BAND_HEIGHT);
    }
  }, [spans, view, width, dpr]);
  return (
    <div className="node-row heat-row" data-testid="heat-band">
      <div className="node-label">
        <strong>heat</strong>
        <span className="muted">{label} · darker: used in more intervals</span>
        {hovered !== null ? (
          <span className="mono" data-testid="heat-band-readout">
            {hovered.range.start}–{hovered.range.end} heat {hovered.heat.toFixed(2)}
          </span>
        ) : null}
      </div>
      <div
        className="node-panel heat-band-panel"
        style={{ height: HEAT_BAND_HEIGHT }}
        onPointerMove={(event) => {
          const left = canvas.current?.getBoundingClientRect().left ?? 0;
          setHovered(spanAtPage(spans, Math.floor(pageOfX(view, event.clientX - left))));
        }}
        onPointerLeave={() => setHovered(null)}
      >
        <canvas ref={canvas} style={{ width: '100%', height: HEAT_BAND_HEIGHT }} role="img" aria-label={`Heat band: ${label}`} />
      </div>
    </div>
  );
}
