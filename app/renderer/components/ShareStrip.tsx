/**
 * The shares under the timeline's pages per node, on one 0-100% scale: locality poll by poll
 * (a line, broken where a poll has none) and, while a heat measurement ran, each interval's
 * share of the present pages used (dots, joined within one measurement), named by its source.
 */
import type { HeatPoint, PollPoint } from '../model/timeline.js';
import { heatPath, localityPath, percent } from '../model/timeline-shares.js';

const SHARE_HEIGHT = 34;
const PAD = 4;

interface Props {
  points: readonly PollPoint[];
  heat: readonly HeatPoint[];
  width: number;
  x: (at: number) => number;
}

function y(share: number): number {
  return SHARE_HEIGHT - PAD - share * (SHARE_HEIGHT - 2 * PAD);
}

export function ShareStrip({ points, heat, width, x }: Props) {
  const labels = [...new Set(heat.map((h) => h.label))];
  return (
    <svg width={width} height={SHARE_HEIGHT} role="img" aria-label="Locality and heat, 0 to 100%" data-testid="share-strip">
      <line className="timeline-share-grid" x1={0} x2={width} y1={y(1)} y2={y(1)} />
      <line className="timeline-share-grid" x1={0} x2={width} y1={y(0)} y2={y(0)} />
      <path d={localityPath(points, x, y)} className="timeline-locality" fill="none" data-locality-line />
      <path d={heatPath(heat, x, y)} className="timeline-heat" fill="none" data-heat-line />
      {heat.map((point, i) => (
        <circle key={i} className="timeline-heat-dot" cx={x(point.at)} cy={y(point.share)} r={2}>
          <title>{`${percent(point.share)} of the present pages used: ${point.label}`}</title>
        </circle>
      ))}
      <text x={width - PAD - 2} y={PAD + 8} textAnchor="end" className="timeline-scale">
        100%
      </text>
      <text x={PAD + 2} y={PAD + 8} className="timeline-scale">
        <tspan className="timeline-locality-key">locality</tspan>
        {labels.length > 0 ? <tspan className="timeline-heat-key">{` · heat: ${labels.join(', ')}`}</tspan> : null}
      </text>
    </svg>
  );
}
